"""The kernel knows no app (DESIGN rule 10): apps plug into its registries instead."""

from __future__ import annotations

import ast
from pathlib import Path

from zhaoluo.core import api_schema, privacy, roles, scheduled

CORE = Path(__file__).resolve().parents[1]
# The apps are the packages beside the kernel; the project's own modules (settings, wsgi) are not apps.
APPS = {p.name for p in CORE.parent.iterdir() if (p / "__init__.py").exists()} - {"core"}


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):  # function-level imports too
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _app(module: str) -> str:
    return [*module.split("."), ""][1]


def test_no_kernel_module_imports_an_app():
    offenders = {
        str(path.relative_to(CORE)): sorted(
            name for name in _imported_modules(path) if name.split(".")[:1] == ["zhaoluo"] and _app(name) in APPS
        )
        for path in CORE.rglob("*.py")
        if not {"tests", "migrations"} & set(path.relative_to(CORE).parts)
    }
    assert {module: names for module, names in offenders.items() if names} == {}


def test_the_apps_registered_their_steps_in_tick_order():
    assert [step.name for step in scheduled.STEPS] == [
        "lights",
        "files",
        "dormant",
        "login_failures",
        "audit_spool",
        "audit_purge",
        "approvals",
        "supervision",
        "meetings",
        "service_pools",
        "notify",
        "audit_anchor",
    ]


def test_the_apps_registered_their_schema_enums_privacy_subjects_and_role_checks():
    assert {choice.__name__ for choice in api_schema.NAMED_CHOICES} >= {"Stage", "Light", "Listing", "Role"}
    assert [subject.kind for subject in privacy.subjects()] == ["enterprise", "user"]
    for question in (roles.ADMIN_SITE, roles.AUDIT_READER, roles.PRIVACY_OFFICER, roles.UNMASK):
        assert roles._CHECKS.get(question), question
    assert privacy._CREDENTIAL_ENDERS, "an anonymised account must lose its API tokens"


def test_an_unanswered_role_question_is_refused(world):
    assert not roles.allows("no-such-question", world.sysadmin)


def _module_graph() -> dict[str, set[str]]:
    """Every zhaoluo module (tests and migrations aside) → the zhaoluo modules it imports, anywhere in it."""
    top = CORE.parent
    modules = {}
    for path in top.rglob("*.py"):
        parts = path.relative_to(top.parent).with_suffix("").parts
        if {"tests", "migrations"} & set(parts):
            continue
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
                module = ".".join([*base, node.module] if node.module else base)
                targets.update([module, *(f"{module}.{alias.name}" for alias in node.names)])
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def test_no_import_circles():
    graph = _module_graph()
    circles = []
    for start in graph:
        # A circle through `start`: a path from one of its imports back to it.
        seen, stack = set(), list(graph[start])
        while stack:
            module = stack.pop()
            if module == start:
                circles.append(start)
                break
            if module not in seen:
                seen.add(module)
                stack.extend(graph[module])
    assert circles == []
