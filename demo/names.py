"""Chinese name parts for the demo county: places, people, brands and roads.

Everything here is fictional but shaped like the real thing, so lists, searches and
reports look familiar to county staff.
"""

from __future__ import annotations

import random

CITY_NAME = "临江市"
COUNTY_NAME = "清河县"
COUNTY_SHORT = "清河"

# (name, kind) — kind decides the division-code range: streets 0xx, towns 1xx, townships 2xx.
TOWNSHIPS: tuple[tuple[str, str], ...] = (
    ("城关镇", "town"),
    ("青溪镇", "town"),
    ("白沙镇", "town"),
    ("石桥镇", "town"),
    ("龙泉镇", "town"),
    ("黄埠镇", "town"),
    ("新塘镇", "town"),
    ("马坪镇", "town"),
    ("双河镇", "town"),
    ("桃源乡", "township"),
    ("松岭乡", "township"),
    ("永丰乡", "township"),
    ("东城街道", "street"),
    ("西城街道", "street"),
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
    "杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱江尹薛闫段雷侯龙"
    "史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建国红梅林海波宁斌浩凯文志军"
    "晓东春燕雪峰雷丹俊宇琳欣怡子涵思远佳豪晨阳嘉怡梓轩一鸣婷颖慧婕德福永清瑞祥金荣"
)

# Village names: a position word, a clan or landscape word and a settlement suffix.
VILLAGE_HEADS = ("上", "下", "东", "西", "南", "北", "前", "后", "大", "小", "新", "老", "中", "高")
VILLAGE_MIDDLES = (
    "王",
    "李",
    "张",
    "陈",
    "刘",
    "杨",
    "周",
    "吴",
    "徐",
    "胡",
    "林",
    "何",
    "罗",
    "郑",
    "梅",
    "竹",
    "柳",
    "杏",
    "枫",
    "桂",
    "荷",
    "松",
    "岩",
    "溪",
    "河",
    "塘",
    "泉",
    "山",
)
VILLAGE_TAILS = ("家", "庄", "湾", "岭", "坪", "桥", "坑", "畈", "埠", "垄", "店", "圩", "洲", "园")
COMMUNITY_WORDS = (
    "和平",
    "解放",
    "人民",
    "建设",
    "文化",
    "滨江",
    "朝阳",
    "幸福",
    "光明",
    "新华",
    "育才",
    "锦绣",
    "金桥",
    "东湖",
    "西湖",
    "南门",
    "北门",
    "凤凰",
    "翠苑",
    "阳光",
)

ROADS = (
    "人民路",
    "解放路",
    "建设路",
    "中山路",
    "新华路",
    "文化路",
    "工业路",
    "滨江路",
    "胜利路",
    "朝阳路",
    "环城路",
    "府前街",
    "沿河路",
    "车站路",
    "青年路",
    "兴业大道",
    "迎宾大道",
    "学府路",
)

# Trade names (字号) enterprises register under.
BRANDS = (
    "宏达",
    "鑫源",
    "华泰",
    "永盛",
    "恒通",
    "金鼎",
    "瑞丰",
    "信诚",
    "东升",
    "嘉禾",
    "顺发",
    "汇通",
    "兴旺",
    "利民",
    "盛世",
    "天成",
    "广源",
    "联华",
    "中兴",
    "富康",
    "万家",
    "长城",
    "隆鑫",
    "泰和",
    "宝丰",
    "安达",
    "新兴",
    "海川",
    "宇航",
    "众诚",
    "德馨",
    "佳美",
    "星光",
    "金色",
    "欢乐",
    "红星",
    "蓝天",
    "绿源",
    "晨光",
    "益民",
    "同心",
    "聚福",
    "百胜",
    "凯旋",
    "明珠",
    "锦程",
    "振华",
    "银河",
)

ORDINALS = "一二三四五六七八九十"


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN_CHARS)
    if rng.random() < 0.7:
        given += rng.choice(GIVEN_CHARS)
    return rng.choice(SURNAMES) + given


# Mobile numbers are these prefixes and eight digits.
MOBILE_PREFIXES: tuple[str, ...] = ("130", "133", "135", "136", "137", "138", "139", "150")
MOBILE_PREFIXES += ("151", "152", "158", "159", "177", "180", "186", "187", "189", "199")


def chinese_ordinal(number: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十; enough for school and grid numbering."""
    if number <= 10:
        return ORDINALS[number - 1]
    tens, units = divmod(number, 10)
    head = "" if tens == 1 else ORDINALS[tens - 1]
    return head + "十" + (ORDINALS[units - 1] if units else "")


def village_name(rng: random.Random) -> str:
    return (
        rng.choice(VILLAGE_HEADS) + rng.choice(VILLAGE_MIDDLES) + rng.choice(VILLAGE_TAILS) + "村"
    )


def community_name(rng: random.Random) -> str:
    return rng.choice(COMMUNITY_WORDS) + "社区"


def short_place(name: str) -> str:
    """青溪镇 → 青溪, 东城街道 → 东城, 上王家村 → 上王家: the form used inside premises names."""
    for suffix in ("街道", "社区", "镇", "乡", "村"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name
