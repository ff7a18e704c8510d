"""Interface strings, Chinese first. `t(key, lang)` falls back to Chinese, then the key.

Theme, region and document-type names come from the warehouse (name_zh/name_en),
not from here, so a new region needs no code change.
"""

LANGS = ("zh", "en")

STRINGS = {
    # app and navigation
    "app_title": ("街道工作文档主题比较", "Sub-district work documents by theme"),
    "page_overview": ("总览", "Overview"),
    "page_themes": ("主题对比", "Theme comparison"),
    "page_trends": ("年度变化", "Trends"),
    "page_targets": ("目标与成效", "Targets and achievements"),
    "page_keywords": ("关键词", "Keywords"),
    "page_documents": ("文档", "Documents"),
    "page_method": ("数据与方法", "Data and method"),
    "page_add": ("添加文档", "Add documents"),
    # sidebar filters
    "filters": ("筛选", "Filters"),
    "language": ("语言", "Language"),
    "regions": ("地区", "Regions"),
    "years": ("年份", "Years"),
    "themes": ("主题", "Themes"),
    "doc_types": ("文档类型", "Document types"),
    "measure": ("计量", "Measure"),
    "measure_sentences": ("按句数", "Sentences"),
    "measure_chars": ("按字数", "Characters"),
    "mode": ("显示", "Show"),
    "mode_share": ("占比", "Share"),
    "mode_count": ("数量", "Count"),
    "reset": ("重置筛选", "Reset filters"),
    "all": ("全部", "all"),
    "link_hint": ("筛选条件保存在网址中，复制链接即可分享当前视图。",
                  "Filters are kept in the address: copy the link to share this view."),
    "no_warehouse": ("找不到数据仓库 {path}。请先运行 `python -m etl build`。",
                     "No warehouse at {path}. Run `python -m etl build` first."),
    "no_data": ("当前筛选条件下没有数据。", "No data for these filters."),
    "no_documents": ("当前筛选条件下没有文档。", "No documents match these filters."),
    "showing_all": ("以下列出全部文档。", "All documents are listed instead."),
    # overview
    "overview_intro": ("各地区街道工作文档按主题比较：覆盖情况、重点主题一目了然。",
                       "Sub-district work documents compared by theme: coverage and emphasis at a glance."),
    "card_documents": ("文档", "Documents"),
    "card_regions": ("地区", "Regions"),
    "card_years": ("年份跨度", "Years"),
    "card_sentences": ("正文句子", "Body sentences"),
    "card_facts": ("数字事实", "Facts with numbers"),
    "card_chars": ("字数", "Characters"),
    "coverage": ("文档覆盖（地区 × 年份）", "Coverage (region × year)"),
    "emphasis": ("各地区最突出的主题", "What each region emphasises most"),
    "top_themes_of": ("{region}：{themes}", "{region}: {themes}"),
    "no_document_yet": ("暂无文档", "no document yet"),
    "add_pointer": ("{region} 暂无文档。可在“添加文档”页上传，或运行 `python -m etl add` 后重新构建。",
                    "{region} has no document yet. Add one on the “Add documents” page, or run `python -m etl add` and rebuild."),
    "sentences_unit": ("句", "sentences"),
    "chars_unit": ("字", "chars"),
    # theme comparison
    "themes_intro": ("按地区和年份比较各主题所占比例。按字数计算时，长短文档可以公平比较。",
                     "Theme shares by region and year. Measured in characters, long and short documents compare fairly."),
    "drill_title": ("查看句子", "The sentences behind a figure"),
    "drill_hint": ("点击柱形或热力图单元格，或在下方选择地区年份与主题。",
                   "Click a bar or a heatmap cell, or choose a region-year and theme below."),
    "drill_group": ("地区·年份", "Region · year"),
    "drill_theme": ("主题", "Theme"),
    "drill_count": ("{group} · {theme}：{n} 句", "{group} · {theme}: {n} sentences"),
    "col_document": ("文档", "Document"),
    "col_section": ("章节", "Section"),
    "col_sentence": ("句子", "Sentence"),
    "col_terms": ("匹配词", "Matched terms"),
    "col_term": ("词语", "Term"),
    "col_region": ("地区", "Region"),
    "col_year": ("年份", "Year"),
    "col_theme": ("主题", "Theme"),
    "col_share": ("占比", "Share"),
    "col_count": ("数量", "Count"),
    # trends
    "trends_intro": ("同一地区不同年份的主题变化。", "One region across the years."),
    "trend_region": ("地区", "Region"),
    "trend_style": ("图形", "Chart"),
    "style_line": ("折线", "Lines"),
    "style_slope": ("首末年对比（斜率图）", "First vs last year (slope)"),
    "one_year_only": ("{region} 只有一个年份的文档，无法比较变化。", "{region} has documents for one year only; there is no change to show."),
    "terms_rose_fell": ("上升与下降的词语", "Terms that rose and fell"),
    # targets
    "targets_intro": ("文档中的数字：目标与成效，按地区、年份、主题、类别和单位筛选。",
                      "Numbers in the documents: targets and achievements, by region, year, theme, kind and unit."),
    "kind": ("类别", "Kind"),
    "kind_target": ("目标", "Target"),
    "kind_achievement": ("成效", "Achievement"),
    "unit": ("单位", "Unit"),
    "fact_theme": ("主题", "Theme"),
    "col_indicator": ("指标", "Indicator"),
    "col_value": ("数值", "Value"),
    "col_surface": ("原文", "As written"),
    "col_unit": ("单位", "Unit"),
    "col_kind": ("类别", "Kind"),
    "col_comparator": ("比较", "Comparator"),
    "col_source": ("来源句", "Source sentence"),
    "facts_found": ("共 {n} 条", "{n} facts"),
    "compare_like": ("同单位、同主题比较", "Like with like: same unit and theme"),
    "pairs_title": ("同一指标的目标与成效", "Target and achievement of the same indicator"),
    "no_pairs": ("当前筛选下没有同时具有目标和成效的指标。", "No indicator has both a target and an achievement under these filters."),
    "choose_unit": ("选择单位以比较", "Choose a unit to compare"),
    # keywords
    "keywords_intro": ("某地区相对于另一地区（或其余地区）的特征词：带信息先验的对数优势比（Monroe 等，2008）。",
                       "Distinctive terms of one region against another or the rest: log-odds ratio with an informative Dirichlet prior (Monroe et al. 2008)."),
    "region_a": ("地区", "Region"),
    "region_b": ("对比对象", "Compared with"),
    "the_rest": ("其余地区", "the rest"),
    "n_terms": ("词数", "Terms"),
    "kwic": ("关键词上下文检索", "Keyword in context"),
    "kwic_term": ("检索词", "Term"),
    "kwic_found": ("“{term}” 出现 {n} 次，在 {s} 句中", "“{term}”: {n} occurrences in {s} sentences"),
    "kwic_none": ("没有找到“{term}”。", "“{term}” was not found."),
    "kwic_left": ("上文", "Left"),
    "kwic_right": ("下文", "Right"),
    "same_region": ("请选择两个不同的地区。", "Choose two different regions."),
    # documents
    "documents_intro": ("阅读单篇文档：句子按主题着色，数字高亮。", "Read one document: sentences coloured by theme, numbers highlighted."),
    "choose_document": ("选择文档", "Document"),
    "script": ("字体", "Script"),
    "script_original": ("原文", "Original"),
    "script_simplified": ("简体", "Simplified"),
    "outline": ("章节目录", "Outline"),
    "meta_title": ("标题", "Title"),
    "meta_region": ("地区", "Region"),
    "meta_year": ("年份", "Year"),
    "meta_year_inferred": ("（推断）", " (inferred)"),
    "meta_type": ("类型", "Type"),
    "meta_published": ("发布日期", "Published"),
    "meta_script": ("原文字体", "Script"),
    "meta_size": ("规模", "Size"),
    "meta_source": ("来源文件", "Source file"),
    "script_traditional": ("繁体", "Traditional"),
    "script_simplified_name": ("简体", "Simplified"),
    "legend": ("图例", "Legend"),
    "fact_mark": ("数字事实", "fact"),
    "no_theme": ("无主题", "no theme"),
    "doc_facts": ("本文数字事实", "Facts in this document"),
    # method
    "method_intro": ("数据来源、主题词典与计算方法。", "Where the data come from, the theme dictionary and how figures are computed."),
    "dictionary": ("主题词典", "Theme dictionary"),
    "col_color": ("颜色", "Colour"),
    "col_name": ("名称", "Name"),
    "col_definition": ("定义", "Definition"),
    "how_shares": ("占比如何计算", "How shares are computed"),
    "how_shares_text": (
        "每个句子（以“。！？；”或换行分隔）按词典命中与章节语境归入最多三个主题，第一个为主主题。"
        "某地区某年份的主题占比 = 主主题为该主题的正文句子数 ÷ 有主题的正文句子总数（标题不计）。"
        "按字数计算时，以句子字数代替句子数，使长短文档可以公平比较。按主题筛选只改变显示的主题，不改变占比的分母。",
        "Each sentence (split at 。！？； or a line break) gets up to three themes from dictionary matches and its section; "
        "the first is its main theme. A theme's share in a region-year = body sentences whose main theme it is ÷ all body "
        "sentences with a theme (headings excluded). Measured in characters, sentence lengths replace sentence counts, so "
        "long and short documents compare fairly. Filtering themes changes which themes are shown, not the denominator."),
    "how_keyness": ("特征词如何计算", "How keyness is computed"),
    "how_keyness_text": (
        "词频来自 terms 表（结巴分词、用户词典、去停用词）。对地区 A 与对比对象 B，采用带信息狄利克雷先验的对数优势比"
        "（Monroe, Colaresi & Quinn 2008）：先验 αᵢ = α₀ · 全语料中词 i 的频率，α₀ = {alpha0}；"
        "δᵢ = log((yᵢᴬ+αᵢ)/(nᴬ+α₀−yᵢᴬ−αᵢ)) − log((yᵢᴮ+αᵢ)/(nᴮ+α₀−yᵢᴮ−αᵢ))，方差 ≈ 1/(yᵢᴬ+αᵢ) + 1/(yᵢᴮ+αᵢ)，"
        "按 z = δᵢ/√方差 排序。|z| > 1.96 约相当于 5% 显著水平。",
        "Word counts come from the terms table (jieba, user dictionary, stop words removed). For region A against B we use the "
        "log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008): prior αᵢ = α₀ · frequency of "
        "term i in the whole corpus, α₀ = {alpha0}; δᵢ = log((yᵢᴬ+αᵢ)/(nᴬ+α₀−yᵢᴬ−αᵢ)) − log((yᵢᴮ+αᵢ)/(nᴮ+α₀−yᵢᴮ−αᵢ)), "
        "variance ≈ 1/(yᵢᴬ+αᵢ) + 1/(yᵢᴮ+αᵢ), ranked by z = δᵢ/√variance. |z| > 1.96 is roughly the 5% level."),
    "how_facts": ("数字事实", "Facts"),
    "how_facts_text": (
        "数字按原文记录（如 16.1亿元），数值换算为基本单位（亿 = 10⁸，万 = 10⁴），区间取下限。"
        "类别（目标/成效）由句中的时态与用语判断。只比较同单位、同主题的数字。",
        "Numbers are kept as written (e.g. 16.1亿元) and converted to base units (亿 = 10⁸, 万 = 10⁴); ranges keep their lower end. "
        "Kind (target or achievement) comes from tense and wording in the sentence. Only numbers with the same unit and theme are compared."),
    "build": ("本次构建", "This build"),
    "built_at": ("构建时间", "Built at"),
    "content_hash": ("内容哈希", "Content hash"),
    "scores": ("抽取质量评分", "Extraction scores"),
    "scores_absent": ("本次构建没有抽取评分（未找到 tests/gold/ 中的标注）。",
                      "This build has no extraction scores (no gold annotations in tests/gold/ were found)."),
    "score_key": ("指标", "Score"),
    "score_value": ("值", "Value"),
    "build_key": ("项", "Key"),
    "documents_table": ("文档清单", "Documents"),
    # charts
    "chart_source": ("来源：{docs}", "Source: {docs}"),
    "chart_all_regions": ("全部地区", "all regions"),
    "chart_all_years": ("全部年份", "all years"),
    "chart_all_types": ("全部类型", "all document types"),
    "share_title_sentences": ("各地区各年份的主题占比（按句数）", "Theme shares by region and year (sentences)"),
    "share_title_chars": ("各地区各年份的主题占比（按字数）", "Theme shares by region and year (characters)"),
    "count_title_sentences": ("各地区各年份的主题句数", "Theme sentences by region and year"),
    "count_title_chars": ("各地区各年份的主题字数", "Theme characters by region and year"),
    "heatmap_title": ("主题热力图：地区·年份 × 主题", "Heatmap: region-year × theme"),
    "radar_title": ("主题结构雷达图", "Theme profile radar"),
    "emphasis_title": ("各地区主题结构（最新年份）", "Theme mix of each region (latest year)"),
    "trend_title": ("{region}：各年份主题占比变化", "{region}: theme shares across the years"),
    "slope_title": ("{region}：{a} 年与 {b} 年主题占比对比", "{region}: theme shares {a} vs {b}"),
    "terms_change_title": ("{region}：{a}→{b} 年上升与下降的词语", "{region}: terms that rose and fell, {a}→{b}"),
    "rose": ("上升", "Rose"),
    "fell": ("下降", "Fell"),
    "per_10k": ("每万词出现次数变化", "Change per 10,000 words"),
    "keyness_title": ("{a} 相对于 {b} 的特征词", "Distinctive terms of {a} against {b}"),
    "keyness_axis": ("z 值（对数优势比 / 标准误）", "z (log-odds ratio / standard error)"),
    "facts_title": ("{unit}：{theme}类数字比较", "{unit}: {theme} figures compared"),
    "facts_title_all": ("{unit}：各主题数字比较", "{unit}: figures compared across themes"),
    "pairs_chart_title": ("同一指标的目标与成效（{unit}）", "Target and achievement of the same indicator ({unit})"),
    "share_axis": ("占比", "Share"),
    "count_axis_sentences": ("句数", "Sentences"),
    "count_axis_chars": ("字数", "Characters"),
    "year_axis": ("年份", "Year"),
    "value_axis": ("数值（{unit}）", "Value ({unit})"),
    "notes_share": (
        "占比 = 主主题为该主题的正文句子的{m} ÷ 全部有主题正文句子的{m}，按地区和年份合并所选文档；标题不计。",
        "Share = body-sentence {m} whose main theme is the theme ÷ all themed body-sentence {m}, per region and year over the selected documents; headings excluded."),
    "notes_count": ("数量 = 主主题为该主题的正文句子的{m}，标题不计。", "Count = body-sentence {m} whose main theme is the theme; headings excluded."),
    "m_sentences": ("句数", "count"),
    "m_chars": ("字数", "characters"),
    "notes_terms": ("每万词频率 = 词频 ÷ 该年份全部词数 × 10000；列出变化最大的词。",
                    "Rate per 10,000 words = count ÷ all words of that year × 10,000; the largest changes are listed."),
    "notes_facts": ("每个柱形是一条数字事实（数值为基本单位，区间取下限），只比较同一单位。",
                    "Each bar is one fact (value in base units, lower end of a range); only one unit is compared."),
    "notes_pairs": ("同一地区、同单位、同主题且指标名称相同或高度相似（字二元组 Jaccard ≥ 0.5）的目标与成效配对。",
                    "A target and an achievement are paired when region, unit and theme agree and the indicator names are equal or similar (character-bigram Jaccard ≥ 0.5)."),
    "notes_emphasis": ("每个地区取最新年份的所选文档，按句数占比。", "For each region the latest year of the selected documents, by sentence share."),
}


def t(key, lang="zh", **kwargs):
    """The string for key in lang, formatted with kwargs."""
    pair = STRINGS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**kwargs) if kwargs else text


def name(row, lang, base="name"):
    """Pick name_zh / name_en (or region_zh / region_en ...) from a row-like mapping."""
    return row[f"{base}_en"] if lang == "en" else row[f"{base}_zh"]
