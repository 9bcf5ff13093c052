"""Deterministic, plausible Chinese names: people, companies, USCCs, passwords."""

from __future__ import annotations

import random
import string

from stdnum.cn import uscc

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田"
    "任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = (
    "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达"
    "安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋"
    "维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣"
)
CITIES: tuple[str, ...] = (
    "深圳",
    "上海",
    "北京",
    "杭州",
    "苏州",
    "武汉",
    "广州",
    "厦门",
    "宁波",
    "东莞",
    "佛山",
    "温州",
    "泉州",
    "合肥",
)
CITIES += ("长沙", "郑州", "青岛", "天津", "无锡", "常州", "襄阳", "宜昌", "十堰", "南京", "成都", "重庆", "香港")
BRANDS = [
    "华兴",
    "鑫源",
    "天润",
    "宏达",
    "恒通",
    "嘉禾",
    "瑞丰",
    "金诚",
    "永安",
    "中科",
    "博远",
    "汇锦",
    "联创",
    "众诚",
    "润泽",
    "国泰",
    "远航",
    "新锐",
    "同创",
    "恒瑞",
    "佳美",
    "银河",
    "祥和",
    "凯盛",
    "汉江",
    "隆中",
    "楚天",
    "荆楚",
    "鄂北",
    "丰源",
    "裕华",
    "德润",
    "正泰",
    "安达",
    "盛世",
    "明阳",
    "东旭",
    "华润",
    "长江",
    "三友",
    "金鹰",
    "富源",
    "宏图",
    "卓越",
    "立信",
    "海川",
    "泓泰",
    "锦程",
    "聚力",
    "诺德",
    "华顺",
    "中盛",
    "万通",
    "新航",
    "光华",
    "东方",
    "兴业",
    "鼎盛",
    "天成",
    "汇通",
    "盈科",
    "昌达",
    "科瑞",
]
# The 17th-character alphabet of GB 32100-2015 (no I, O, S, V, Z).
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def person(rng: random.Random, taken: set[str]) -> str:
    """A two- or three-character name not used yet."""
    while True:
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        name = rng.choice(SURNAMES) + given
        if name not in taken:
            taken.add(name)
            return name


def uscc_code(rng: random.Random, taken: set[str], region: str = "420607") -> str:
    """91 (company) + the district's code + a post-2015 'MA4' organisation code + check character."""
    while True:
        body = "91" + region + "MA4" + "".join(rng.choice(USCC_CHARS) for _ in range(6))
        code = body + uscc.calc_check_digit(body)
        if code not in taken:
            taken.add(code)
            return code


def with_check(body17: str) -> str:
    return body17 + uscc.calc_check_digit(body17)


def password(rng: random.Random) -> str:
    """Four groups, mixed classes, ≥ 14 characters: e.g. Xz20-Kq7m-Tb3r!"""
    letters = string.ascii_letters.replace("l", "").replace("I", "").replace("O", "")
    groups = ["".join(rng.choice(letters) for _ in range(3)) + rng.choice("23456789") for _ in range(3)]
    return "Xz20-" + "-".join(groups) + "!"


def mobile(rng: random.Random) -> str:
    return rng.choice(["133", "135", "138", "139", "150", "158", "177", "186", "189"]) + "".join(
        rng.choice(string.digits) for _ in range(8)
    )
