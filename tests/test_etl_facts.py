"""Facts stage: the number cases of the annotation guide, one row each.

Each row: sentence, expected facts as (surface, value, value_max, unit,
comparator, approximate); an empty list means the sentence holds no fact.
"""
import pytest

from etl.facts import extract_facts, parse_number, part_default_kind
from etl.normalize import to_simplified

CASES = [
    # magnitudes
    ("截至目前,实现规上工业产值16.1亿元", [("16.1亿元", 1.61e9, None, "元", "=", False)]),
    ("已完成研发费用2305.5万元", [("2305.5万元", 23055000, None, "元", "=", False)]),
    ("绿化整治面积4.5万平方米", [("4.5万平方米", 45000, None, "平方米", "=", False)]),
    ("全年新增就业12万人", [("12万人", 120000, None, "人", "=", False)]),
    ("救助金额13.5萬元", [("13.5萬元", 135000, None, "元", "=", False)]),
    ("财政收入3千万元", [("3千万元", 3e7, None, "元", "=", False)]),
    ("完成投资1,200万元", [("1,200万元", 1.2e7, None, "元", "=", False)]),
    # plain counts with counters
    ("组建党员突击队33个", [("33个", 33, None, "个", "=", False)]),
    ("丹西街道工商业主体底数6527家", [("6527家", 6527, None, "家", "=", False)]),
    ("引导文明停车2500起", [("2500起", 2500, None, "起", "=", False)]),
    ("开展反诈骗专题培训65次", [("65次", 65, None, "次", "=", False)]),
    ("征迁土地153亩", [("153亩", 153, None, "亩", "=", False)]),
    ("受教育群众5000人次", [("5000人次", 5000, None, "人次", "=", False)]),
    ("清理占路经营1400处次", [("1400处次", 1400, None, "处次", "=", False)]),
    # Chinese numerals
    ("發動黨員羣眾志願者五百餘名", [("五百餘名", 500, None, "名", "=", True)]),
    ("盡快完成兩個街心公園設計方案", [("兩個", 2, None, "个", "=", False)]),
    ("开展党的二十大精神百场宣讲会", [("百场", 100, None, "场", "=", False)]),
    ("稳步推进九个老旧社区改造", [("九个", 9, None, "个", "=", False)]),
    ("組織千名志願者植樹", [("千名", 1000, None, "名", "=", False)]),
    ("建成三十五个服务站", [("三十五个", 35, None, "个", "=", False)]),
    # approximation and comparators
    ("清理小廣告共計8000餘處", [("8000餘處", 8000, None, "处", "=", True)]),
    ("印製宣傳橫幅近200條", [("近200條", 200, None, "条", "=", True)]),
    ("绿化养护面积约4.5万平方米", [("约4.5万平方米", 45000, None, "平方米", "=", True)]),
    ("受教育群众7万多人次", [("7万多人次", 70000, None, "人次", "=", True)]),
    ("核对信息1800多人次", [("1800多人次", 1800, None, "人次", "=", True)]),
    ("服务群众300人左右", [("300人左右", 300, None, "人", "=", True)]),
    ("城镇登记失业率控制在3.3%以内", [("3.3%", 3.3, None, "%", "<=", False)]),
    ("研发费用覆盖率达到85%以上", [("85%", 85, None, "%", ">=", False)]),
    ("全年文化体育活动不少于12场次", [("12场次", 12, None, "场次", ">=", False)]),
    ("培育企业超过20家", [("20家", 20, None, "家", ">=", False)]),
    ("安置率不低于90%", [("90%", 90, None, "%", ">=", False)]),
    ("投资不超过5000万元", [("5000万元", 5e7, None, "元", "<=", False)]),
    ("培育省级专精特新企业3家以上", [("3家", 3, None, "家", ">=", False)]),
    ("开展学雷锋活动最少100场次", [("100场次", 100, None, "场次", ">=", False)]),
    ("每个网格配备网格员最多5人", [("5人", 5, None, "人", "<=", False)]),
    # ranges
    ("创建数字化车间1-2家", [("1-2家", 1, 2, "家", "=", False)]),
    ("建设两新党建示范点1—2个", [("1—2个", 1, 2, "个", "=", False)]),
    ("新增就业3至5万人", [("3至5万人", 30000, 50000, "人", "=", False)]),
    # percentages and growth
    ("同比增长126.6%", [("126.6%", 126.6, None, "%", "=", False)]),
    ("覆盖率达到百分之九十", [("百分之九十", 90, None, "%", "=", False)]),
    ("增长3.5个百分点", [("3.5个百分点", 3.5, None, "个百分点", "=", False)]),
    ("25849户居民摸排率100%", [("25849户", 25849, None, "户", "=", False), ("100%", 100, None, "%", "=", False)]),
    # not facts: dates and periods
    ("2016年是十三五规划的起始之年", []),
    ("3月8日,街道邀请相关领导座谈", []),
    ("1-5月累计完成", []),
    ("截止到6月底", []),
    ("确保重点对象24小时管控不缺位", []),
    ("336个小时的温暖和守护", []),
    # not facts: ordinals and list markers
    ("一是紧盯主要经济指标", []),
    ("扎实推进第五次全国经济普查", []),
    ("第二届邻里节开幕", []),
    ("(三)不断完善社会治理", []),
    # not facts: names, slogans, labels
    ("深入推进“五大战略”", []),
    ("以“1+8+6”支撑引领行动方案为指引", []),
    ("聚力一二五,走好共富路", []),
    ("围绕“863”计划", []),
    ("持续深化“141”体系建设", []),
    ("加快建设第七小学", []),
    ("新建110kv滨瑶变扩建工程", []),
    ("创建5A级景区", []),
    ("做好三中周边地块的土地征用", []),
    ("完成环城绿道二期工程", []),
    ("整合五个中心", []),
    ("落实八个升级为重点", []),
    ("打造人防、物防、技防三位一体", []),
    ("推进“繁荣大港、美丽大港”五个大港建设", []),
    ("两大活动的高效开展", []),
    ("关爱“四类群体”", []),
    ("落实“一户一策一干部”措施", []),
    ("园区干部职工到场数十人", []),
    ("隔离期满后,无1例新增病患", []),
    ("制定了《大港街2016年改善民生10件实事方案》", []),
    # magnitudes after an approximation word
    ("全市新增城镇就业1000多万人", [("1000多万人", 1e7, None, "人", "=", True)]),
    ("惠及困难群众20余万户", [("20余万户", 2e5, None, "户", "=", True)]),
    ("全年减税降费300多亿元", [("300多亿元", 3e10, None, "元", "=", True)]),
    ("带动上千万人就业", [("上千万人", 1e7, None, "人", "=", True)]),
    ("吸引游客数百万人次", []),
    # ranges with the unit written twice
    ("经济增长目标为6%－6.5%", [("6%－6.5%", 6, 6.5, "%", "=", False)]),
    ("给予企业100万元至300万元奖励", [("100万元至300万元", 1e6, 3e6, "元", "=", False)]),
    ("补贴标准提高了20%到30%", [("20%到30%", 20, 30, "%", "=", False)]),
    ("缴费比例从20%降至16%", [("20%", 20, None, "%", "=", False), ("16%", 16, None, "%", "=", False)]),
    # signs
    ("工业增加值增长-3.5%", [("-3.5%", -3.5, None, "%", "=", False)]),
    # units a reader expects
    ("实际利用外资60亿美元", [("60亿美元", 6e9, None, "美元", "=", False)]),
    ("完成疫苗接种5万剂次", [("5万剂次", 5e4, None, "剂次", "=", False)]),
    ("辖区面积12.5平方千米", [("12.5平方千米", 12.5, None, "平方千米", "=", False)]),
    ("新增装机容量2.5万千瓦", [("2.5万千瓦", 25000, None, "千瓦", "=", False)]),
    ("制定修订规章12部", [("12部", 12, None, "部", "=", False)]),
    ("开展核酸检测8轮", [("8轮", 8, None, "轮", "=", False)]),
    ("港口吞吐量达到300万标准箱", [("300万标准箱", 3e6, None, "标准箱", "=", False)]),
    ("全年完成固定资产投资23.3亿", [("23.3亿", 2.33e9, None, "元", "=", False)]),
    ("政策惠及1.2亿农民", [("1.2亿", 1.2e8, None, "人", "=", False)]),
    ("审批时间压缩三分之一", [("三分之一", 1 / 3, None, "", "=", False)]),
    ("人口自然增长率控制在5‰以内", [("5‰", 5, None, "‰", "<=", False)]),
    # full-width and spaced digits of older reports
    ("新增外资企业１．５万多家", [("１．５万多家", 15000, None, "家", "=", True)]),
    ("工业生产年均增长1 2 ．4 ％", [("1 2 ．4 ％", 12.4, None, "%", "=", False)]),
    ("财政收入增加到3 0 0 亿元", [("3 0 0 亿元", 3e10, None, "元", "=", False)]),
    # comparators written before the number
    ("市场主体总量突破2亿户", [("2亿户", 2e8, None, "户", ">=", False)]),
    ("核查重点人员超5万人次", [("5万人次", 5e4, None, "人次", ">=", False)]),
    ("老年人接种逾万人", [("万人", 1e4, None, "人", ">=", False)]),
    ("剩余任务不足30%", [("30%", 30, None, "%", "<=", False)]),
    # idioms, scale classes, class thresholds and rate bases
    ("把政策送到千家万户", []),
    ("新建两个千亩果蔬基地", [("两个", 2, None, "个", "=", False)]),
    ("其中百亿元产业集群2个", [("2个", 2, None, "个", "=", False)]),
    ("营业收入首次突破千亿元。", [("千亿元", 1e11, None, "元", ">=", False)]),
    ("税收收入保持两位数增长", []),
    ("综合考核连续保持五个城区之首", []),
    ("成为全省20个试点县中率先通过验收的县", []),
    ("努力建设三个高地", []),
    ("千方百计扩大就业", []),
    ("建设百万吨级乙烯项目", []),
    ("引进亿元以上项目", []),
    ("走访年营收500万元以上企业", []),
    ("关爱80岁以上老人", []),
    ("3-6岁儿童全部入园", []),
    ("职工平均年龄35岁", [("35岁", 35, None, "岁", "=", False)]),
    ("引进汽车零部件企业", []),
    ("2万", []),
    ("扶持集体收入超过50万元的村", []),
    ("每100公斤提高3元", [("3元", 3, None, "元", "=", False)]),
    ("召开四届区委第二次会议", []),
    # counters of flags and letters (面, 封) count things received
    ("收到锦旗12面、表扬信30封", [("12面", 12, None, "面", "=", False), ("30封", 30, None, "封", "=", False)]),
    ("全面推进四面八方的工作", []),
    # a quoted label the line breaks inside, before it closes
    ("“温暖进万家", []),
]


@pytest.mark.parametrize("sentence, expected", CASES, ids=[c[0][:14] for c in CASES])
def test_number_cases_of_the_guide(sentence, expected):
    facts = extract_facts(to_simplified(sentence), sentence)
    got = [(f.surface, f.value, f.value_max, f.unit, f.comparator, f.approximate) for f in facts]
    assert len(got) == len(expected), got
    for g, e in zip(got, expected):
        assert g[0] == e[0]
        assert g[1] == pytest.approx(e[1])
        assert (g[2] is None and e[2] is None) or g[2] == pytest.approx(e[2])
        assert g[3:] == e[3:]


def test_there_are_at_least_forty_cases():
    assert len(CASES) >= 40


@pytest.mark.parametrize("sentence, default, kind", [
    ("截至目前,实现规上工业产值16.1亿元", "target", "achievement"),
    ("已累计检查378家", "target", "achievement"),
    ("全年新增就业12万人", "achievement", "target"),
    ("力争培育省级专精特新企业3家以上", "achievement", "target"),
    ("年底推动行政村经营性收入达到50万元", "achievement", "target"),
    ("组织实施干部轮训活动68场", "achievement", "achievement"),
    ("建成10个学雷锋志愿服务示范点", "target", "target"),
])
def test_kind_from_cues_then_section(sentence, default, kind):
    (fact,) = extract_facts(sentence, sentence, default)
    assert fact.kind == kind


def test_kind_follows_the_nearest_cue_in_each_clause():
    text = "垃圾分类撤桶并点计划推进规范化建设管理小区65个,55个小区已完成初步选址"
    kinds = [f.kind for f in extract_facts(text, text, "achievement")]
    assert kinds == ["target", "achievement"]


@pytest.mark.parametrize("sentence, kind", [
    ("今年已经申报了东区、西区、南区3个社区列入试点计划", "achievement"),
    ("全力推进街心公园建设,尽快完成荷花苑、兴德里两个街心公园设计方案,争取尽快开工", "target"),
])
def test_a_list_keeps_its_verb_and_a_later_cue_still_counts(sentence, kind):
    (fact,) = extract_facts(sentence, sentence, "achievement" if kind == "target" else "target")
    assert fact.kind == kind


def test_part_default_kind():
    assert part_default_kind("plan") == "target"
    assert part_default_kind("review") == "achievement"
    assert part_default_kind(None) == "achievement"


# (sentence, part of the section it stands in, kind of every fact in it)
KIND_IN_PART = [
    # a cue character inside a longer word is no cue: 要 in 主要/重要/需要, 了 in 为了/了解
    ("主要指标完成产值5亿元", "review", "achievement"),
    ("重要物资储备达到3000万吨", "review", "achievement"),
    ("满足群众需要,新建服务站12个", "review", "achievement"),
    ("为了方便群众,新建服务站12个", "plan", "target"),
    ("深入了解企业需求,走访企业200家", "plan", "target"),
    # 将 marking the object states what was done; 将 as the future still plans
    ("将最低工资标准从1800元提高到2000元", "review", "achievement"),
    ("将200名困难群众纳入救助范围", "review", "achievement"),
    ("全区养老床位将达到5000张", "review", "target"),
    # 全年 and 预计 date or estimate a result in a review, announce a target in a plan
    ("全年完成固定资产投资30亿元", "review", "achievement"),
    ("全年完成固定资产投资30亿元", "plan", "target"),
    ("预计全年地区生产总值增长6%", "review", "achievement"),
    ("预计全年地区生产总值增长6%", "plan", "target"),
    # a cue in a later clause does not outweigh the part, nor a plan named in an earlier one of a review
    ("新建公园3个,为明年争取更多项目打下基础", "review", "achievement"),
    ("新开工项目计划总投资下降,淘汰落后产能120万吨", "review", "achievement"),
    # a cue inside a quoted slogan is part of a name
    ("落实“两个确保”资金700亿元", "review", "achievement"),
    # periods already over and dates are not plans
    ("五年内新建保障房800万套", "review", "achievement"),
    ("两年来新建学校40所", "plan", "achievement"),
    ("去年底企业数量超过5000户", "plan", "achievement"),
    ("截至2023年底,全市共有养老机构80家", "plan", "achievement"),
    ("今年安排资金100亿元,比去年增加20亿元", "plan", "target"),
    # effort made, a plan as a noun, a plan met
    ("经过努力,覆盖率达到95%", "review", "achievement"),
    ("下达年度投资计划,新开工项目120个", "review", "achievement"),
    ("完成年计划的125%", "review", "achievement"),
    # a total is counted so far in a review, a cumulative target in a plan
    ("力争累计完成投资100亿元", "plan", "target"),
    ("累计完成投资100亿元", "review", "achievement"),
    # time still to come inside a review
    ("下半年新建公园5个", "review", "target"),
    # a present state counted in a plan is no target; 现有 as a modifier or 共有产权 is no cue
    ("全镇现有规上企业120家", "plan", "achievement"),
    ("社区拥有志愿者队伍15支", "plan", "achievement"),
    ("在现有基础上再增长10%", "plan", "target"),
    ("依托现有商圈资源,引进品牌首店20家", "plan", "target"),
    ("筹建共有产权房300套", "plan", "target"),
    # a target announced before a colon governs the clauses after it, in any part
    ("2024年主要预期目标:新增就业岗位500个", "review", "target"),
    ("全面完成年度计划:新增就业岗位500个", "review", "achievement"),
]


@pytest.mark.parametrize("sentence, part, kind", KIND_IN_PART, ids=[f"{c[0][:12]}-{c[1]}" for c in KIND_IN_PART])
def test_kind_from_word_cues_within_the_part(sentence, part, kind):
    facts = extract_facts(sentence, sentence, part_default_kind(part), part)
    assert facts and [f.kind for f in facts] == [kind] * len(facts)


def test_a_later_clause_cue_counts_where_no_part_is_named():
    text = "新建公园3个,为明年争取更多项目打下基础"
    assert [f.kind for f in extract_facts(text, text, "achievement")] == ["target"]


def test_indicator_names_what_is_counted():
    (fact,) = extract_facts("截至目前,实现规上工业产值16.1亿元", "截至目前,实现规上工业产值16.1亿元")
    assert fact.indicator == "规上工业产值"


@pytest.mark.parametrize("sentence, indicators", [
    # time, scope and cue words open the clause without naming anything
    ("上半年,辖区内在谈项目12个", ["在谈项目"]),
    ("截至目前,村级化解纠纷30起,街道化解纠纷5起", ["村级化解纠纷", "街道化解纠纷"]),
    ("2022年城镇登记失业率控制在4%以内", ["城镇登记失业率"]),
    # the counted noun after the number joins the verb before it
    ("已累计检查80家物流企业", ["检查物流企业"]),
    ("30个社区开展垃圾分类", ["社区开展垃圾分类"]),
    ("建成2个服务站、5个活动室", ["服务站", "活动室"]),
    # a light verb that only creates the thing counted names nothing
    ("年内打造美丽庭院20个", ["美丽庭院"]),
    # a growth rate borrows the subject of the fact before it
    ("完成工业投资3.2亿元,同比增长15.6%", ["工业投资", "工业投资同比增长"]),
    ("全年税收收入8亿元,增长12%", ["税收收入", "税收收入增长"]),
    # items of a list keep their own noun, or their neighbour's when they have none
    ("发现隐患200个、重大隐患9个", ["发现隐患", "重大隐患"]),
    ("科技和教育支出分别为60亿元、80亿元", ["科技和教育支出", "科技和教育支出"]),
    # a change 从A到B names its subject for both ends
    ("贷款余额从3万亿元增加到5万亿元", ["贷款余额", "贷款余额"]),
    # the unit can be the first character of the counted noun
    ("全县有50万人口", ["全县人口"]),
    # a bare attribute (总投资, 办结率) names the quantity with its owner, the fact before it
    ("新建安置房5个项目,总投资12亿元", ["新建安置房项目", "新建安置房项目总投资"]),
    ("受理群众诉求120件,办结率98%", ["受理群众诉求", "受理群众诉求办结率"]),
    # 与 links the noun to a next number only when one follows (参与 is a word)
    ("举办讲座8场、2000人次参与", ["举办讲座", "举办讲座参与"]),
    # the sub-district speaking of itself is scope, unless set against another subject
    ("全年街道新增就业岗位300个", ["新增就业岗位"]),
    ("村级调解纠纷20起,街道调解纠纷5起", ["村级调解纠纷", "街道调解纠纷"]),
    # how often a change happened is not part of its name
    ("居民人均收入连续三年增长8%", ["居民人均收入增长"]),
    ("最低工资标准又提高5%", ["最低工资标准提高"]),
    # the year a value belongs to names nothing; an empty clause takes the one before
    ("城镇化率由2015年的50%提高到2020年的60%", ["城镇化率", "城镇化率"]),
    ("全县森林覆盖率,由2015年的40%提高到2020年的45%", ["全县森林覆盖率", "全县森林覆盖率"]),
    # an opening clause that only judges its subject owns the bare attributes after it
    ("外贸出口保持良好势头,实际金额120亿元", ["外贸出口实际金额"]),
    ("集体企业效益明显好转,利润增长12%", ["集体企业效益利润增长"]),
    ("科技工作继续深化,新增专利300件", ["新增专利"]),
    # a phrase cut to length does not start inside or with a bracket
    ("120个村(社区)开展生活垃圾分类示范小区创建,3万户参与",
     ["村(社区)开展生活垃圾分类示范小区创建", "开展生活垃圾分类示范小区创建参与"]),
    # a phrase that borrowed its owner passes that owner on, not itself
    ("养老保险参保2万人,续保1.5万人,覆盖面90%", ["养老保险参保", "养老保险参保续保", "养老保险参保覆盖面"]),
    # 分别: each value of a list takes its own item of the enumeration, and so do the changes after it
    ("城镇、农村居民人均收入分别为5万元、3万元,增长6%、8%",
     ["城镇居民人均收入", "农村居民人均收入", "城镇居民人均收入增长", "农村居民人均收入增长"]),
    ("区财政用于交通、环保和水利的投入分别为3亿元、2亿元和1亿元",
     ["区财政用于交通的投入", "区财政用于环保的投入", "区财政用于水利的投入"]),
    ("实现规上工业产值80亿元、工业增加值9亿元,分别增长12%和7%", ["规上工业产值", "工业增加值", "规上工业产值增长", "工业增加值增长"]),
    # a bracketed note inside the phrase does not start it (预计(下同), 规上(限上))
    ("预计(下同)全镇完成工业总产值60亿元,增长8%", ["全镇完成工业总产值", "全镇完成工业总产值增长"]),
    ("3天推动20家规上(限上)企业复工,复工率100%", ["规上(限上)企业复工", "规上(限上)企业复工复工率"]),
    # a rate net of some factor is still the change of the fact before it
    ("税收收入5亿元,增长2%,剔除政策性减收因素增长9%",
     ["税收收入", "税收收入增长", "税收收入剔除政策性减收因素增长"]),
    # inside a run of counted nouns a short noun is its own item, not the last one's attribute
    ("对40个小区、9个市场、7家商超开展督导", ["小区", "市场", "商超开展督导"]),
    ("检查60个小区、8家超市", ["检查小区", "检查小区超市"]),
    # a counted item before the number (组建一个…、六个…) is not part of its name
    ("组建一个协调小组、六个专项工作小组", ["专项工作小组"]),
    # a percentage of a plan completed is its owner's completion rate of that plan
    ("利用外资2000万美元,完成年度计划的96%", ["利用外资", "利用外资年度计划完成率"]),
    ("税收收入4亿元,完成年初预算110%", ["税收收入", "税收收入年初预算完成率"]),
    # a phrase opening with a verb of reach (惠及, 覆盖) names whom the fact before it reached
    ("开展健康讲座40场,惠及居民3000余人次", ["健康讲座", "健康讲座惠及居民"]),
    ("新建智能充电桩200个,覆盖小区35个", ["新建智能充电桩", "新建智能充电桩覆盖小区"]),
    # 比上年多/少: a difference from last year, of the fact before it
    ("接待游客90万人次,比上年多6万人次", ["接待游客", "接待游客比上年多"]),
])
def test_indicator_names_the_measured_quantity(sentence, indicators):
    assert [f.indicator for f in extract_facts(sentence, sentence)] == indicators


def test_surface_is_in_the_original_script():
    original = "發動志願者五百餘名"
    (fact,) = extract_facts(to_simplified(original), original)
    assert fact.surface == "五百餘名"


@pytest.mark.parametrize("token, value", [("16.1亿", 1.61e9), ("五百", 500), ("两", 2), ("十二", 12), ("百", 100), ("4.5万", 45000)])
def test_parse_number(token, value):
    assert parse_number(token) == pytest.approx(value)
