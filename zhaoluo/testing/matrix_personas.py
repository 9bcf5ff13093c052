"""The permission matrix's personas: the `world` fixture's users and who among them sees or may do what.

Each set names the rule of the code it mirrors (orgs/scope.py, the apps' permissions.py), so a
change of a rule shows as a change here. The routes are in permission_matrix.py.
"""

from __future__ import annotations

ANONYMOUS = "anonymous"
# One persona of each kind of scope, for routes marked `sample`.
SAMPLE_PERSONAS = frozenset({ANONYMOUS, "investment", "township_user", "enterprise_user", "sysadmin", "nobody"})
# Attribute names of the `world` fixture's users.
PERSONAS: tuple[str, ...] = (
    "investment",
    "task_force",
    "leader",
    "unit",
    "township_user",
    "supervision",
    "principal",
    "economy",
    "enterprise_user",
    "sysadmin",
    "secadmin",
    "auditadmin",
    "outsider",
    "nobody",
)
SIGNED_IN = frozenset(PERSONAS)
NONE: frozenset[str] = frozenset()

# Who sees what of the world (orgs/scope.py): the world's project lies in 双沟镇, is led by
# 区发改局 (the `unit` persona's unit) and 王海 (`leader`), with `task_force` on its 专班.
DISTRICT_WIDE = frozenset({"investment", "supervision", "principal", "economy"})
SEES_PROJECT = DISTRICT_WIDE | {"township_user", "unit", "leader", "task_force"}
SEES_ENTERPRISE = SEES_PROJECT | {"enterprise_user"}
# problems/selectors.py: a problem of the world's project with 区发改局 responsible is seen as the project is.
SEES_PROBLEM = SEES_PROJECT
# problems/permissions.py: 交办 by the district roles and the project's 包保领导; the responsible unit
# handles; the raiser (`investment` raised the target) or 督查室 closes, sends back and rates.
ASSIGN_PROBLEMS = DISTRICT_WIDE | {"leader"}
HANDLE_PROBLEMS = frozenset({"unit"})
CONFIRM_PROBLEMS = frozenset({"investment", "supervision"})
# supervision/permissions.py: the ladder (升级, 降级, 挂牌督办, 约谈) is 督查室's and the principals';
# the rules are edited by 督查室; the green channel is set by the project's 包保领导 or a principal.
LADDER = frozenset({"supervision", "principal"})
EDIT_SUPERVISION_RULES = frozenset({"supervision"})
SET_GREEN_CHANNEL = frozenset({"leader", "principal"})
# approvals/selectors.py and permissions.py: the target approval is of the world's project with 区发改局
# handling, so it is seen as the project is; 招商人员 record, the handling department's staff update; the
# catalogue (shared reference data) is kept by 招商人员 (政务服务 unit staff too, none among the personas).
SEES_APPROVAL = SEES_PROJECT
RECORD_APPROVALS = frozenset({"investment"})
UPDATE_APPROVALS = frozenset({"investment", "unit"})
KEEP_CATALOGUE = frozenset({"investment", "outsider"})
# meetings/selectors.py: the district-wide roles, the chair (`leader`) and the invited (`unit`'s official leads
# the 专班); meetings/permissions.py: the chair and 督查室 edit.
SEES_MEETING = DISTRICT_WIDE | {"leader", "unit"}
EDIT_MEETING = frozenset({"leader", "supervision"})
# projects/permissions.py and enterprises/services.py
MANAGE_PROJECTS = frozenset({"investment"})
REPORT_PROGRESS = frozenset({"investment", "task_force", "leader", "unit", "township_user"})
KEEP_REGISTRY = frozenset({"investment", "economy"})
# A create names no record: an investment user of another district creates in their own.
CREATE_PROJECTS = MANAGE_PROJECTS | {"outsider"}
CREATE_ENTERPRISES = KEEP_REGISTRY | {"outsider"}
# assistance/permissions.py: a key project's form is seen as the project is and kept by those who
# report its progress; an enterprise's form is kept by its contact and 科经局 (the target is a project's).
SEES_ASSISTANCE_FORM = SEES_PROJECT
FILL_PROJECT_FORMS = REPORT_PROGRESS
START_ASSISTANCE_FORMS = REPORT_PROGRESS | {"economy", "enterprise_user", "outsider"}
# orgs/scope.py: the roles whose scope lies in a district (the outsider's is their own district);
# ledgers and exports are for them. The three admin roles and an account without a role have none.
HAS_DISTRICT = SEES_ENTERPRISE | {"outsider"}
# ledgers/spec.py import_roles of the enterprise ledger (enterprises/permissions.py MANAGE_ROLES).
IMPORT_ENTERPRISES = frozenset({"investment", "economy", "outsider"})
# The three admin roles (三员, accounts/permissions.py): one capability each.
ADMINS = frozenset({"sysadmin", "secadmin", "auditadmin"})
CONFIGURE_SYSTEM = frozenset({"sysadmin"})
MANAGE_ACCOUNTS = frozenset({"secadmin"})
READ_AUDIT = frozenset({"auditadmin"})
# core/pi.py can_unmask: the roles that phone contacts, and the enterprise's own contact.
UNMASK_CONTACTS = frozenset({"investment", "economy", "enterprise_user"})
# The 督办 pages (queue, 督办单, rules) are internal: an enterprise contact is refused them (service issue).
INTERNAL = SIGNED_IN - {"enterprise_user"}
# service/selectors.py: the district-wide roles, the enterprise's township and the enterprise itself see
# its pairings and visits (and the cadre, no persona); service/permissions.py: 科经局 pairs, unpairs and
# raises needs; photos follow contact details (UNMASK_CONTACTS); organiser pages need a district scope.
SEES_SERVICE = DISTRICT_WIDE | {"township_user", "enterprise_user"}
ORGANISE_PAIRINGS = frozenset({"economy"})
SEES_VISIT_PHOTOS = UNMASK_CONTACTS
DISTRICT_SCOPE = DISTRICT_WIDE | {"outsider"}
ENTERPRISE_CONTACT = frozenset({"enterprise_user"})
