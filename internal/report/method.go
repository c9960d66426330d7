package report

import "fmt"

// MethodText states how the report chose its emerging items and quotes, in
// lang; the HTML and Markdown footnotes print it.
func MethodText(lang string, c EmergingConfig, tested int) []string {
	if lang == "zh" {
		return []string{
			fmt.Sprintf("新出现/上升问题的检验：对每个主题、服务类别、产品型号×主题和关键词，比较本周出现次数 x 与前 %d 周的次数 y，"+
				"以联络量为暴露量（本周 e1，基线 e0）。采用精确条件泊松率检验：在“比率相同”的原假设下，x 服从二项分布 Bin(x+y, e1/(e0+e1))，单侧 p = P(X ≥ x)。", c.BaselineWeeks),
			fmt.Sprintf("阈值：本周至少 %d 次；比率（本周每联络发生率 ÷ 基线发生率）至少 %.1f 倍，基线为 0 的记为“新”；"+
				"对本周达到最低次数的全部 %d 项（各类型合并）做 Benjamini-Hochberg 多重检验校正，错误发现率 %.0f%%。得分 = −log10(p)。“基线预期”为按基线发生率和本周联络量折算的预期次数。",
				c.MinCount, c.MinRatio, tested, c.FDR*100),
			"客户原话的选取：候选为本周该组的脱敏客户文本（联络的首条客户消息、工单描述、问卷评论，8–280 字），规范化后去重；" +
				"以各关键词在候选文本中出现的比例构成关键词质心，按与质心的余弦相似度（典型度）从高到低选取，跳过与已选原话关键词 Jaccard 重合度 ≥ 0.5 的文本，含脱敏占位符的文本仅在不足时使用。",
			"员工建议的匹配：作者标注的主题包含该主题（作者未标注主题时，看文本分析得出的主题），或（对两者都没有主题的建议）其关键词/标题/正文命中该主题本周最具区分度的 10 个关键词（在该主题文本中的出现比例至少是全部热点主题文本中的 2 倍）中的至少 2 个；不含未采纳的建议；每个主题最多 3 条，主题匹配优先，再按点赞数。",
		}
	}
	return []string{
		fmt.Sprintf("Emerging test: for every topic, service category, product model × topic and term, this week's count x is compared with its count y over the previous %d weeks, "+
			"with contacts as exposure (e1 this week, e0 in the baseline weeks). The exact conditional Poisson rate test: under equal rates x is Binomial(x+y, e1/(e0+e1)); one-sided p = P(X ≥ x).", c.BaselineWeeks),
		fmt.Sprintf("Thresholds: at least %d this week; a rate ratio (this week's rate per contact over the baseline rate) of at least %.1f, or new (no baseline count); "+
			"Benjamini-Hochberg control of the false discovery rate at %.0f%% over all %d items that met the minimum count, all kinds together. Score = −log10(p). "+
			"Baseline = the count the baseline rate predicts for this week's contacts.", c.MinCount, c.MinRatio, c.FDR*100, tested),
		"Quotes: the group's redacted customer texts of the week (a contact's first customer message, ticket descriptions, survey comments; 8-280 characters), de-duplicated after normalisation, " +
			"ranked by cosine similarity of their keywords to the group's keyword centroid (the share of texts carrying each keyword); a text whose keywords overlap a chosen quote's by Jaccard ≥ 0.5 is skipped, " +
			"and texts with a redaction placeholder are used only when too few others remain.",
		"Suggestions: a post matches a topic when the topic is among the topics its author tagged it with (its text-analytics topics when the tags name none), or, for a post that names no topic either way, when at least 2 of the topic's 10 most distinctive keywords this week (at least twice as frequent in the topic's texts as in all top topics' texts) appear in its keywords, title or body; " +
			"rejected posts are left out; up to 3 per topic, topic matches first, then by endorsements.",
	}
}
