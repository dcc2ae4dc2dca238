"""Checklist templates for the seven campaign sectors of DESIGN.md §5.

Each item restates a requirement of a published national law, regulation or standard in our
own words and names where it comes from. Where an article or clause number could not be
checked against the published text, the source is named with its chapter or subject instead
of a number. Items that are sector major-hazard criteria (重大事故隐患判定标准, or the direct
elements of GB 35181 for fire) carry the criterion's condition and its exceptions: failing one
forces the hazard to major (SAWS Order 16 Art. 3; Work Safety Law 2021 Art. 118).

Administrators add a new version (a new edition of a standard, a province's stricter list)
through the admin or `hazards.services.checklists.new_version`; the seed migration only adds
what is missing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

GENERAL_WEIGHT = Decimal("1")
MAJOR_WEIGHT = Decimal("3")
GENERAL_DAYS = 7
MAJOR_DAYS = 30


@dataclass(frozen=True)
class ItemSeed:
    section: str
    text: str
    clause: str
    major_condition: str = ""
    major_exceptions: str = ""
    weight: Decimal = GENERAL_WEIGHT
    default_rectify_days: int = GENERAL_DAYS

    @property
    def major_criterion(self) -> bool:
        return bool(self.major_condition)


@dataclass(frozen=True)
class TemplateSeed:
    code: str
    name: str
    sector_code: str
    source: str
    effective_from: datetime.date
    items: tuple[ItemSeed, ...] = field(default=())


def item(section: str, text: str, clause: str) -> ItemSeed:
    return ItemSeed(section, text, clause)


def major(section: str, text: str, clause: str, condition: str, exceptions: str) -> ItemSeed:
    """A sector major-hazard criterion: failing it forces a major hazard."""
    return ItemSeed(
        section, text, clause, condition, exceptions, MAJOR_WEIGHT, MAJOR_DAYS
    )  # fmt: skip


# --- shared sources -----------------------------------------------------------------------

# GB 35181: 2017 edition (重大火灾隐患判定方法) chapter 6 = direct elements, 5.1.3 = cases
# not judged major; the 2025 edition (重大火灾隐患判定规则, in force 2025-11-01) moved them
# to chapter 5 and 4.2 (its foreword says so).
GB35181_DIRECT = "GB 35181 重大火灾隐患判定 直接判定要素（2017版第6章；2025版第5章）"
GB35181_EXCEPTIONS = (
    "符合GB 35181 不应判定为重大火灾隐患的情形时不强制判重大（2017版5.1.3；2025版4.2），"
    "如已依法经消防设计专家评审并采取相应技术措施，或场所已停产停业、停止使用。"
)
NO_EXCEPTIONS = "判定标准未规定例外情形。"

FIRE_LAW = "《中华人民共和国消防法》（2021修正）"
MPS_61 = "《机关、团体、企业、事业单位消防安全管理规定》（公安部令第61号）"
GB50016 = "GB 50016-2014（2018年版）《建筑设计防火规范》"
SAFETY_LAW = "《中华人民共和国安全生产法》（2021修正）"

# --- 人员密集场所 ----------------------------------------------------------------------------

CROWDED_VENUES = TemplateSeed(
    code="crowded-venues",
    name="人员密集场所消防安全检查表",
    sector_code="CROWD",
    source=(
        "GB/T 40248-2021《人员密集场所消防安全管理》；GB 55037-2022《建筑防火通用规范》；"
        f"{GB50016}；GB 35181；{FIRE_LAW}；{MPS_61}"
    ),
    effective_from=datetime.date(2024, 1, 1),
    items=(
        item(
            "安全疏散",
            "疏散通道、安全出口未被占用、堵塞、封闭或上锁。",
            f"{FIRE_LAW}第二十八条；{MPS_61}第二十一条",
        ),
        item(
            "安全疏散",
            "疏散门向疏散方向开启；设门禁的疏散门火灾时不用钥匙即可从内部打开。",
            f"{GB50016} 6.4.11；GB 55037-2022 安全疏散与避难设施",
        ),
        item(
            "安全疏散",
            "疏散指示标志和应急照明完好有效，未被遮挡、覆盖。",
            f"{GB50016} 第10.3节 消防应急照明和疏散指示标志；{MPS_61}第二十一条",
        ),
        item(
            "安全疏散",
            "门窗未设置影响逃生和灭火救援的铁栅栏、广告牌等障碍物。",
            f"{FIRE_LAW}第二十八条",
        ),
        item(
            "消防设施",
            "消防设施、器材按标准配置，定期检验维修，每年至少全面检测一次。",
            f"{FIRE_LAW}第十六条",
        ),
        item(
            "消防设施",
            "消防控制室24小时值班、每班不少于2人，值班人员持证上岗。",
            "GB 25506-2010《消防控制室通用技术要求》消防控制室管理",
        ),
        item(
            "消防管理",
            "营业期间至少每2小时防火巡查一次，营业结束后检查并消除遗留火种。",
            f"{MPS_61}第二十五条",
        ),
        item(
            "消防管理",
            "每月至少组织一次防火检查，检查记录完整。",
            f"{MPS_61}第二十六条；GB/T 40248-2021 防火检查",
        ),
        item(
            "消防管理",
            "员工消防安全培训至少每半年一次；灭火和应急疏散预案至少每半年演练一次。",
            f"{MPS_61}第三十六条、第四十条",
        ),
        item(
            "火源与装修",
            "室内装修、装饰使用不燃或难燃材料。",
            f"{FIRE_LAW}第二十六条",
        ),
        item(
            "火源与装修",
            "动火作业事先审批，落实现场监护和防火措施。",
            f"{FIRE_LAW}第二十一条",
        ),
        major(
            "重大火灾隐患",
            "商店、地下人员密集场所的安全出口数量和总净宽度符合规范。",
            GB35181_DIRECT,
            "公共娱乐场所、商店、地下人员密集场所的安全出口数量不足，或总净宽度小于"
            "国家工程建设消防技术标准规定值的80%。",
            GB35181_EXCEPTIONS,
        ),
        major(
            "重大火灾隐患",
            "旅馆、商店按规定设置自动喷水灭火系统和火灾自动报警系统。",
            GB35181_DIRECT,
            "旅馆、公共娱乐场所、商店、地下人员密集场所未按国家工程建设消防技术标准"
            "设置自动喷水灭火系统或火灾自动报警系统。",
            GB35181_EXCEPTIONS,
        ),
        major(
            "重大火灾隐患",
            "场所内不违规使用、储存或销售易燃易爆危险品。",
            GB35181_DIRECT,
            "在人员密集场所违反消防安全规定使用、储存或销售易燃易爆危险品。",
            GB35181_EXCEPTIONS,
        ),
        major(
            "重大火灾隐患",
            "养老机构老年人用房所在楼层位置符合消防技术标准。",
            GB35181_DIRECT,
            "老年人活动（照料）场所所在楼层位置不符合国家工程建设消防技术标准。",
            GB35181_EXCEPTIONS,
        ),
    ),
)

# --- 学校 ---------------------------------------------------------------------------------

SCHOOL_RULES = "《中小学幼儿园安全管理办法》（教育部等十部门令第23号，2006）"

SCHOOLS = TemplateSeed(
    code="schools",
    name="中小学幼儿园安全检查表",
    sector_code="SCHOOL",
    source=f"{SCHOOL_RULES}；{FIRE_LAW}；{MPS_61}；GB 35181；《校车安全管理条例》",
    effective_from=datetime.date(2024, 1, 1),
    items=(
        item(
            "安全管理",
            "设立校内安全工作领导机构，明确安全管理人员和岗位责任。",
            f"{SCHOOL_RULES}第三章 校内安全管理制度",
        ),
        item(
            "安全管理",
            "落实门卫制度：校外人员入校登记或验证，无关人员、车辆和危险物品不得入校。",
            f"{SCHOOL_RULES}第三章 校内安全管理制度（门卫制度）",
        ),
        item(
            "校舍设施",
            "定期检查校舍和设施设备；发现危房或隐患即停止使用并设警示标志。",
            f"{SCHOOL_RULES}第三章 校内安全管理制度（定期检查和危房报告制度）",
        ),
        item(
            "消防安全",
            "消防设施器材维护有效，疏散通道、安全出口和消防车通道畅通。",
            f"{SCHOOL_RULES}第十九条",
        ),
        item(
            "校舍设施",
            "用水、用电、用气设施定期检查，老化或损毁的及时维修更换。",
            f"{SCHOOL_RULES}第二十条",
        ),
        item(
            "食品卫生",
            "食堂落实采购索证登记和饭菜留验记录，饮用水卫生安全。",
            f"{SCHOOL_RULES}第二十一条",
        ),
        item(
            "实验室",
            "实验室制度和操作规程张贴在显著位置；危险化学品购买、保管、使用、登记、注销有据，"
            "存放安全。",
            f"{SCHOOL_RULES}第二十二条",
        ),
        item(
            "学生安全",
            "学生到校、放学时间及非正常缺席、擅自离校情况及时告知监护人。",
            f"{SCHOOL_RULES}第二十四条",
        ),
        item(
            "消防安全",
            "定期组织有针对性的消防和应急疏散演练。",
            f"{FIRE_LAW}第十六条",
        ),
        item(
            "消防安全",
            "寄宿制学校、幼儿园加强夜间防火巡查。",
            f"{MPS_61}第二十五条",
        ),
        item(
            "交通安全",
            "接送学生使用取得许可的校车，不使用拼装、报废或个人车辆。",
            "《校车安全管理条例》（国务院令第617号）",
        ),
        major(
            "重大火灾隐患",
            "幼儿园儿童用房所在楼层位置符合消防技术标准。",
            GB35181_DIRECT,
            "托儿所、幼儿园的儿童用房所在楼层位置不符合国家工程建设消防技术标准。",
            GB35181_EXCEPTIONS,
        ),
        major(
            "重大火灾隐患",
            "学生宿舍不采用芯材燃烧性能低于A级的彩钢夹芯板搭建。",
            GB35181_DIRECT,
            "人员密集场所的居住场所采用彩钢夹芯板搭建，且芯材燃烧性能等级低于GB 8624规定的A级。",
            GB35181_EXCEPTIONS,
        ),
        major(
            "重大火灾隐患",
            "教学楼、宿舍、食堂内不违规使用或储存易燃易爆危险品。",
            GB35181_DIRECT,
            "在人员密集场所违反消防安全规定使用、储存或销售易燃易爆危险品。",
            GB35181_EXCEPTIONS,
        ),
    ),
)

# --- 非煤矿山 -----------------------------------------------------------------------------

MINE_CRITERIA = "《金属非金属矿山重大事故隐患判定标准》（2022）"

NON_COAL_MINES = TemplateSeed(
    code="non-coal-mines",
    name="金属非金属矿山安全检查表",
    sector_code="MINE",
    source=f"{MINE_CRITERIA}；GB 16423-2020《金属非金属矿山安全规程》；{SAFETY_LAW}",
    effective_from=datetime.date(2024, 1, 1),
    items=(
        item(
            "安全管理",
            "主要负责人和安全生产管理人员经安全生产知识和管理能力考核合格。",
            f"{SAFETY_LAW}第二十七条",
        ),
        item(
            "安全管理",
            "设置安全生产管理机构或配备专职安全生产管理人员。",
            f"{SAFETY_LAW}第二十四条",
        ),
        item(
            "安全管理",
            "特种作业人员取得相应资格后上岗作业。",
            f"{SAFETY_LAW}第三十条",
        ),
        item(
            "现场管理",
            "较大危险因素的场所和设备设有明显的安全警示标志。",
            f"{SAFETY_LAW}第三十五条",
        ),
        item(
            "现场管理",
            "为从业人员配备符合标准的劳动防护用品并督促正确佩戴。",
            f"{SAFETY_LAW}第四十五条",
        ),
        item(
            "应急管理",
            "制定生产安全事故应急救援预案并定期组织演练。",
            f"{SAFETY_LAW}第八十一条",
        ),
        major(
            "地下矿山",
            "矿井有两个以上独立直达地面的安全出口，与设计一致且畅通可用。",
            f"{MINE_CRITERIA} 一、地下矿山（一）",
            "直达地面的独立安全出口少于2个或与设计不一致，或安全出口堵塞、梯子踏步等设施"
            "不能正常使用。",
            NO_EXCEPTIONS,
        ),
        major(
            "地下矿山",
            "不使用国家明令禁止使用的设备、材料或工艺。",
            f"{MINE_CRITERIA} 一、地下矿山（二）；二、露天矿山（二）",
            "使用国家明令禁止使用的设备、材料或者工艺。",
            NO_EXCEPTIONS,
        ),
        major(
            "地下矿山",
            "与相邻矿山的井巷未相互贯通。",
            f"{MINE_CRITERIA} 一、地下矿山（三）",
            "不同矿权主体的相邻矿山井巷相互贯通，或同一矿权主体相邻独立生产系统的井巷擅自贯通。",
            NO_EXCEPTIONS,
        ),
        major(
            "地下矿山",
            "现状图纸按规定保存并及时更新（生产矿山每3个月），与实际相符。",
            f"{MINE_CRITERIA} 一、地下矿山（四）；GB 16423-2020 4.1.10",
            "未保存规定图纸或未按期更新，或采空区、井巷、岩体移动范围等与实际不符。",
            NO_EXCEPTIONS,
        ),
        major(
            "露天矿山",
            "采用自上而下的开采顺序分台阶或分层开采。",
            f"{MINE_CRITERIA} 二、露天矿山（三）",
            "未采用自上而下的开采顺序分台阶或者分层开采。",
            NO_EXCEPTIONS,
        ),
        major(
            "露天矿山",
            "工作帮坡角和最终边坡台阶高度不超过设计值。",
            f"{MINE_CRITERIA} 二、露天矿山（四）",
            "工作帮坡角大于设计工作帮坡角，或最终边坡台阶高度超过设计高度。",
            NO_EXCEPTIONS,
        ),
        major(
            "露天矿山",
            "高度200米及以上的边坡、排土场建立在线或稳定监测系统并正常运行。",
            f"{MINE_CRITERIA} 二、露天矿山（七）",
            "200米及以上采场边坡未在线监测、排土场边坡未建监测系统，或监测系统被关闭、破坏、"
            "数据被篡改。",
            NO_EXCEPTIONS,
        ),
        major(
            "露天矿山",
            "边坡无滑移迹象（放射状裂缝、坡脚隆起、位移速率异常）。",
            f"{MINE_CRITERIA} 二、露天矿山（八）",
            "边坡出现滑移现象，如横向及纵向放射状裂缝、坡脚上隆、后缘裂缝急剧扩展等。",
            NO_EXCEPTIONS,
        ),
    ),
)

# --- 道路运输 -----------------------------------------------------------------------------

ROAD_CRITERIA = "《道路运输企业和城市客运企业安全生产重大事故隐患判定标准（试行）》（2023）"

ROAD_TRANSPORT = TemplateSeed(
    code="road-transport",
    name="道路运输企业安全检查表",
    sector_code="ROAD",
    source=f"{ROAD_CRITERIA}；《道路交通安全法实施条例》；{SAFETY_LAW}",
    effective_from=datetime.date(2023, 10, 1),
    items=(
        item(
            "安全管理",
            "设置安全生产管理机构或配备专职安全生产管理人员。",
            f"{SAFETY_LAW}第二十四条",
        ),
        item(
            "从业人员",
            "驾驶员取得相应驾驶证和从业资格，并定期接受安全教育培训。",
            f"{SAFETY_LAW}第二十八条；《道路运输从业人员管理规定》",
        ),
        item(
            "从业人员",
            "驾驶员连续驾驶不超过4小时，停车休息不少于20分钟。",
            "《道路交通安全法实施条例》第六十二条第（七）项",
        ),
        item(
            "车辆管理",
            "营运车辆安装符合标准的卫星定位装置，实时监控并及时纠正违法违规行为。",
            "《道路运输车辆动态监督管理办法》",
        ),
        item(
            "车辆管理",
            "客车出车前进行安全例检，记录完整。",
            "《道路旅客运输及客运站管理规定》",
        ),
        item(
            "安全投入",
            "按规定提取和使用安全生产费用。",
            "《企业安全生产费用提取和使用管理办法》（财资〔2022〕136号）",
        ),
        item(
            "应急管理",
            "制定生产安全事故应急救援预案并定期组织演练。",
            f"{SAFETY_LAW}第八十一条",
        ),
        major(
            "重大事故隐患",
            "取得经营许可或备案，在许可事项和有效期内经营。",
            f"{ROAD_CRITERIA}第三条第（一）项",
            "未取得经营许可或未按规定备案从事经营，或超出许可（备案）事项和有效期经营。",
            NO_EXCEPTIONS,
        ),
        major(
            "重大事故隐患",
            "不使用报废、擅自改装、拼装或检验检测不合格的车辆和设备。",
            f"{ROAD_CRITERIA}第三条第（二）项",
            "使用报废、擅自改装、拼装、检验检测不合格（含超出有效期）或其他不符合国家规定的"
            "车辆装备、设施设备从事经营。",
            NO_EXCEPTIONS,
        ),
        major(
            "重大事故隐患",
            "对超速、超员、超载、疲劳驾驶及时提醒纠正并严肃处理。",
            f"{ROAD_CRITERIA}第三条第（三）项",
            "驾驶员和车辆长期“三超一疲劳”且运输中未及时纠正、结束后一个月内未严肃处理，"
            "或驾驶员一次记10分及以上未处理仍安排上岗。",
            NO_EXCEPTIONS,
        ),
        major(
            "重大事故隐患",
            "发布红色预警等不具备通行条件时执行停运指令和应急预案。",
            f"{ROAD_CRITERIA}第三条第（四）项",
            "台风橙色及以上，暴雨、暴雪、大雾、道路结冰等红色预警或地质灾害气象风险红色预警时，"
            "未执行停运指令或企业应急预案仍安排运输。",
            NO_EXCEPTIONS,
        ),
        major(
            "重大事故隐患",
            "800公里以上客运班线开展安全风险评估，凌晨2时至5时停车休息或接驳运输。",
            f"{ROAD_CRITERIA}第四条第（一）项",
            "800公里以上道路客运班线未按规定开展安全风险评估，或所属客运车辆未执行凌晨2时至"
            "5时停车休息或接驳运输。",
            "仅适用于800公里以上道路客运班线的车辆；包车和其他班线不按本项判定"
            "（交通运输部运输服务司答复）。",
        ),
    ),
)

# --- 娱乐场所 -----------------------------------------------------------------------------

ENT_RULES = "《娱乐场所管理条例》（国务院令第458号）"

ENTERTAINMENT_VENUES = TemplateSeed(
    code="entertainment-venues",
    name="娱乐场所安全检查表",
    sector_code="ENT",
    source=f"{ENT_RULES}；{GB50016}；GB 35181；{MPS_61}",
    effective_from=datetime.date(2024, 1, 1),
    items=(
        item(
            "设立条件",
            "场所不设在居民楼、建筑物地下一层以下等禁止设立娱乐场所的地点。",
            f"{ENT_RULES}第七条",
        ),
        item(
            "设立条件",
            "歌舞娱乐放映游艺场所不在地下二层及以下；在地下或四层以上的厅室不大于200㎡，"
            "并按规定防火分隔、设乙级防火门。",
            f"{GB50016} 5.4.9",
        ),
        item(
            "安全疏散",
            "营业期间疏散通道和安全出口畅通，未封堵、锁闭或设置栅栏。",
            f"{ENT_RULES}第二十一条",
        ),
        item(
            "安全疏散",
            "疏散通道和安全出口设有明显指示标志，未被遮挡、覆盖。",
            f"{ENT_RULES}第二十一条",
        ),
        item(
            "安全管理",
            "定期检查维护消防设施，制定安全工作方案和应急疏散预案。",
            f"{ENT_RULES}第二十条",
        ),
        item(
            "治安管理",
            "出入口、主要通道的闭路电视监控营业期间正常运行，录像留存30日。",
            f"{ENT_RULES}第十五条",
        ),
        item(
            "治安管理",
            "包厢、包间不设隔断，装透明门窗，门无内锁。",
            f"{ENT_RULES}第十六条",
        ),
        item(
            "治安管理",
            "迪斯科舞厅配备安全检查设备，对入场人员进行安全检查。",
            f"{ENT_RULES}第二十二条",
        ),
        item(
            "治安管理",
            "歌舞娱乐场所不接纳未成年人。",
            f"{ENT_RULES}第二十三条",
        ),
        item(
            "治安管理",
            "建立营业日志，不删改，留存60日备查。",
            f"{ENT_RULES}第二十五条",
        ),
        item(
            "消防管理",
            "营业期间至少每2小时防火巡查一次。",
            f"{MPS_61}第二十五条",
        ),
        major(
            "重大火灾隐患",
            "安全出口数量和总净宽度符合规范。",
            GB35181_DIRECT,
            "公共娱乐场所的安全出口数量不足，或总净宽度小于国家工程建设消防技术标准规定值的80%。",
            GB35181_EXCEPTIONS,
        ),
        major(
            "重大火灾隐患",
            "按规定设置自动喷水灭火系统和火灾自动报警系统。",
            GB35181_DIRECT,
            "公共娱乐场所未按国家工程建设消防技术标准设置自动喷水灭火系统或火灾自动报警系统。",
            GB35181_EXCEPTIONS,
        ),
        major(
            "重大火灾隐患",
            "场所内不违规使用、储存易燃易爆危险品（如燃放冷焰火、存放燃气钢瓶）。",
            GB35181_DIRECT,
            "在人员密集场所违反消防安全规定使用、储存或销售易燃易爆危险品。",
            GB35181_EXCEPTIONS,
        ),
    ),
)

# --- 烟花爆竹零售 -------------------------------------------------------------------------

FIREWORKS_LICENSING = "《烟花爆竹经营许可实施办法》（原国家安全监管总局令第65号）"
AQ4128 = "AQ 4128-2019《烟花爆竹零售店（点）安全技术规范》"

FIREWORKS_RETAIL = TemplateSeed(
    code="fireworks-retail",
    name="烟花爆竹零售店（点）安全检查表",
    sector_code="FIREWORKS-RETAIL",
    source=f"{FIREWORKS_LICENSING}；{AQ4128}；《烟花爆竹安全管理条例》；GB 35181；{FIRE_LAW}",
    effective_from=datetime.date(2024, 1, 1),
    items=(
        item(
            "经营许可",
            "持有有效的烟花爆竹经营（零售）许可证，在许可证载明的场所经营。",
            f"《烟花爆竹安全管理条例》经营安全；{FIREWORKS_LICENSING}零售许可",
        ),
        item(
            "经营许可",
            "零售点符合当地县级以上人民政府零售网点布局要求。",
            f"{FIREWORKS_LICENSING}零售经营者应具备的条件",
        ),
        item(
            "经营条件",
            "实行专店销售；乡村淡季专柜销售时专人负责、专柜相对独立、安全通道畅通。",
            f"{FIREWORKS_LICENSING}零售经营者应具备的条件",
        ),
        item(
            "选址与距离",
            "零售场所面积不小于10㎡，周边50米内无其他零售点，与学校、医院等人员密集场所和"
            "加油站等保持100米以上距离。",
            f"{FIREWORKS_LICENSING}零售经营者应具备的条件；{AQ4128} 选址及外部距离",
        ),
        item(
            "选址与距离",
            "不设在1kV以上电力线路下方，与变电站、高压架空线保持规定距离。",
            f"{AQ4128} 4.2",
        ),
        item(
            "存放",
            "存放量不超过许可证载明的限量和按面积规定的存放限量。",
            f"{AQ4128} 5.2 表2；{FIREWORKS_LICENSING}",
        ),
        item(
            "消防",
            "配备必要的消防器材，张贴明显的安全警示标志。",
            f"{FIREWORKS_LICENSING}零售经营者应具备的条件",
        ),
        item(
            "消防",
            "店内严禁吸烟和使用明火，无私拉乱接电线。",
            f"{FIRE_LAW}第二十一条；{AQ4128}",
        ),
        item(
            "人员",
            "主要负责人经安全培训合格，销售人员经过安全知识教育。",
            f"{FIREWORKS_LICENSING}零售经营者应具备的条件",
        ),
        item(
            "进货与销售",
            "从取得批发许可的企业进货，建立进货和销售台账。",
            "《烟花爆竹安全管理条例》经营安全",
        ),
        item(
            "进货与销售",
            "不销售专业燃放类产品和非法、超标产品。",
            f"{FIREWORKS_LICENSING}；GB 10631-2013《烟花爆竹 安全与质量》",
        ),
        major(
            "重大火灾隐患",
            "零售场所未与居民居住场所设在同一建筑物内。",
            f"{FIRE_LAW}第十九条；{GB35181_DIRECT}",
            "生产、储存、经营易燃易爆危险品的场所与居住场所设置在同一建筑物内。",
            GB35181_EXCEPTIONS,
        ),
        major(
            "重大火灾隐患",
            "不在商场、市场等人员密集场所内违规销售或储存烟花爆竹。",
            GB35181_DIRECT,
            "在人员密集场所违反消防安全规定使用、储存或销售易燃易爆危险品。",
            GB35181_EXCEPTIONS,
        ),
    ),
)

# --- 建筑施工 -----------------------------------------------------------------------------

CONSTRUCTION_CRITERIA = "《房屋市政工程生产安全重大事故隐患判定标准（2022版）》"
CONSTRUCTION_RULES = "《建设工程安全生产管理条例》"

CONSTRUCTION = TemplateSeed(
    code="construction",
    name="房屋市政工程施工安全检查表",
    sector_code="CONSTR",
    source=(
        f"{CONSTRUCTION_CRITERIA}；{CONSTRUCTION_RULES}；JGJ 59-2011《建筑施工安全检查标准》；"
        "JGJ 46-2005《施工现场临时用电安全技术规范》"
    ),
    effective_from=datetime.date(2024, 1, 1),
    items=(
        item(
            "现场防护",
            "临边、洞口按规定防护，安全网设置完好。",
            "JGJ 59-2011《建筑施工安全检查标准》高处作业",
        ),
        item(
            "临时用电",
            "施工现场临时用电实行三级配电、两级漏电保护。",
            "JGJ 46-2005《施工现场临时用电安全技术规范》",
        ),
        item(
            "现场防护",
            "施工现场入口、起重机械、脚手架、基坑边沿等危险部位设置明显安全警示标志。",
            f"{CONSTRUCTION_RULES}第二十八条",
        ),
        major(
            "施工安全管理",
            "施工企业取得安全生产许可证。",
            f"{CONSTRUCTION_CRITERIA}第四条第（一）项",
            "建筑施工企业未取得安全生产许可证擅自从事建筑施工活动。",
            NO_EXCEPTIONS,
        ),
        major(
            "施工安全管理",
            "主要负责人、项目负责人、专职安全员持安全生产考核合格证书。",
            f"{CONSTRUCTION_CRITERIA}第四条第（二）项",
            "施工单位主要负责人、项目负责人、专职安全生产管理人员未取得安全生产考核合格证书"
            "从事相关工作。",
            NO_EXCEPTIONS,
        ),
        major(
            "施工安全管理",
            "建筑施工特种作业人员持证上岗。",
            f"{CONSTRUCTION_CRITERIA}第四条第（三）项",
            "建筑施工特种作业人员未取得特种作业人员操作资格证书上岗作业。",
            NO_EXCEPTIONS,
        ),
        major(
            "施工安全管理",
            "危大工程编制并审核专项施工方案，超规模的经专家论证。",
            f"{CONSTRUCTION_CRITERIA}第四条第（四）项",
            "危险性较大的分部分项工程未编制、未审核专项施工方案，或超过一定规模的未组织专家论证。",
            NO_EXCEPTIONS,
        ),
        major(
            "基坑工程",
            "基坑不超挖；深基坑实施第三方监测；毗邻建筑和管线有专项防护。",
            f"{CONSTRUCTION_CRITERIA}第五条",
            "毗邻重要建（构）筑物和地下管线未采取专项防护、基坑土方超挖且无有效措施、深基坑未"
            "第三方监测，或出现坍塌预兆未及时处理。",
            NO_EXCEPTIONS,
        ),
        major(
            "模板工程",
            "模板支架施工荷载不超设计值，混凝土强度达到要求后方可拆除。",
            f"{CONSTRUCTION_CRITERIA}第六条",
            "模板支架地基承载力不满足设计、施工荷载超过设计值，或混凝土强度未达要求即拆除、爬升。",
            NO_EXCEPTIONS,
        ),
        major(
            "脚手架工程",
            "脚手架连墙件齐全；附着式升降脚手架验收合格，防倾覆防坠落装置有效。",
            f"{CONSTRUCTION_CRITERIA}第七条",
            "未设连墙件或整层缺失，附着式升降脚手架未经验收使用、防倾覆防坠落同步装置失效，"
            "或悬臂高度超限。",
            NO_EXCEPTIONS,
        ),
        major(
            "起重机械",
            "起重机械验收合格并办理使用登记，安全装置齐全有效。",
            f"{CONSTRUCTION_CRITERIA}第八条第（一）项、第（五）项",
            "塔式起重机、施工升降机等未经验收合格即使用或未办理使用登记，或安全装置不齐全、"
            "失效、被拆除破坏。",
            NO_EXCEPTIONS,
        ),
        major(
            "高处作业",
            "悬挑式操作平台的搁置点、拉结点、支撑点设在稳定主体结构上并可靠连接。",
            f"{CONSTRUCTION_CRITERIA}第九条第（三）项",
            "悬挑式操作平台的搁置点、拉结点、支撑点未设置在稳定的主体结构上，且未做可靠连接。",
            NO_EXCEPTIONS,
        ),
        major(
            "临时用电",
            "隧道、人防工程及潮湿等特殊环境照明使用安全电压。",
            f"{CONSTRUCTION_CRITERIA}第十条",
            "特殊作业环境（隧道、人防工程，高温、导电灰尘、潮湿等）照明未按规定使用安全电压。",
            NO_EXCEPTIONS,
        ),
        major(
            "有限空间",
            "有限空间作业经审批，先通风、再检测、后作业，有专人监护。",
            f"{CONSTRUCTION_CRITERIA}第十一条",
            "未履行作业审批、未专项培训、未执行“先通风、再检测、后作业”，或现场无专人监护。",
            NO_EXCEPTIONS,
        ),
        major(
            "拆除工程",
            "拆除作业顺序符合规范和施工方案。",
            f"{CONSTRUCTION_CRITERIA}第十二条",
            "拆除施工作业顺序不符合规范和施工方案要求。",
            NO_EXCEPTIONS,
        ),
    ),
)

CHECKLIST_SEED: tuple[TemplateSeed, ...] = (
    CROWDED_VENUES,
    ROAD_TRANSPORT,
    SCHOOLS,
    NON_COAL_MINES,
    ENTERTAINMENT_VENUES,
    FIREWORKS_RETAIL,
    CONSTRUCTION,
)


def seed_checklists(template_model: Any, item_model: Any, sector_model: Any) -> None:
    """Add the seed templates (version 1) that are missing; usable with a migration's
    historical models. A sector missing from the tree skips its template."""
    for seed in CHECKLIST_SEED:
        sector = sector_model.objects.filter(code=seed.sector_code).first()
        if sector is None or template_model.objects.filter(code=seed.code, version=1).exists():
            continue
        template = template_model.objects.create(
            code=seed.code,
            version=1,
            name=seed.name,
            sector=sector,
            source=seed.source[:500],
            effective_from=seed.effective_from,
        )
        item_model.objects.bulk_create(
            item_model(
                template=template,
                number=number,
                section=entry.section,
                text=entry.text,
                clause=entry.clause[:300],
                weight=entry.weight,
                major_criterion=entry.major_criterion,
                major_condition=entry.major_condition,
                major_exceptions=entry.major_exceptions,
                default_rectify_days=entry.default_rectify_days,
            )
            for number, entry in enumerate(seed.items, start=1)
        )


def unseed_checklists(template_model: Any) -> None:
    template_model.objects.filter(
        code__in=[seed.code for seed in CHECKLIST_SEED], version=1
    ).delete()
