package report

import "strconv"

// Languages the report is written in.
var Languages = []string{"zh", "en"}

// labels are the report's fixed texts, Chinese and English.
var labels = map[string][2]string{
	"title":               {"每周热点问题报告", "Weekly top issues"},
	"week":                {"周", "Week"},
	"headline":            {"本周概况", "Headline"},
	"vs_prev":             {"对比上周", "vs previous week"},
	"target":              {"目标", "target"},
	"top_issues":          {"热点问题", "Top issues"},
	"details":             {"热点问题详情", "Top issues in detail"},
	"rank":                {"排名", "#"},
	"topic":               {"问题主题", "Topic"},
	"contacts":            {"联络量", "Contacts"},
	"share":               {"占比", "Share"},
	"change":              {"环比", "Change"},
	"trend4":              {"近4周", "4 weeks"},
	"negative":            {"负面占比", "Negative"},
	"sentiment":           {"平均情感", "Sentiment"},
	"fcr":                 {"首次解决率", "FCR"},
	"repeat":              {"重复联络率", "Repeat rate"},
	"categories":          {"服务类别", "Service categories"},
	"models":              {"产品型号", "Product models"},
	"channels":            {"渠道", "Channels"},
	"quotes":              {"客户原话", "In customers' words"},
	"suggestions":         {"员工建议", "Employee suggestions"},
	"no_suggestions":      {"暂无匹配的员工建议。", "No matching employee suggestion yet."},
	"no_quotes":           {"本周没有可引用的客户原话。", "No quotable customer text this week."},
	"emerging":            {"新出现/快速上升的问题", "Emerging"},
	"no_emerging":         {"本周没有显著上升的问题。", "Nothing rose significantly this week."},
	"kind":                {"类型", "Kind"},
	"item":                {"项目", "Item"},
	"count":               {"本周", "This week"},
	"baseline":            {"基线预期", "Baseline"},
	"ratio":               {"倍数", "Ratio"},
	"score":               {"得分", "Score"},
	"examples":            {"示例", "Examples"},
	"kind_topic":          {"主题", "topic"},
	"kind_category":       {"服务类别", "category"},
	"kind_model":          {"型号×主题", "model × topic"},
	"kind_term":           {"关键词", "term"},
	"endorsements":        {"点赞", "endorsements"},
	"endorsements_one":    {"点赞", "endorsement"},
	"comments":            {"评论", "comments"},
	"comments_one":        {"评论", "comment"},
	"status":              {"状态", "status"},
	"method":              {"方法说明", "Method"},
	"good":                {"好转", "better"},
	"bad":                 {"变差", "worse"},
	"neutral":             {"持平", "no change"},
	"new":                 {"新", "new"},
	"all_contacts":        {"全部联络", "all contacts"},
	"generated":           {"数据来源：voc 指标库；文本均已脱敏。", "Figures from the voc metric registry; all texts redacted."},
	"more_emerging":       {"另有 %d 项，见 JSON 版本。", "%d more in the JSON version."},
	"status_open":         {"待处理", "open"},
	"status_under_review": {"评审中", "under review"},
	"status_adopted":      {"已采纳", "adopted"},
	"status_implemented":  {"已实施", "implemented"},
	"status_rejected":     {"未采纳", "rejected"},
	"source_contact":      {"联络", "contact"},
	"source_ticket":       {"工单", "ticket"},
	"source_survey":       {"问卷", "survey"},
}

// label returns key's text in lang (en for anything but zh).
// counted is n followed by key's label, singular for one ("1 endorsement").
func counted(lang, key string, n int64) string {
	if n == 1 {
		if _, ok := labels[key+"_one"]; ok {
			key += "_one"
		}
	}
	return strconv.FormatInt(n, 10) + " " + label(lang, key)
}

func label(lang, key string) string {
	l, ok := labels[key]
	if !ok {
		return key
	}
	if lang == "zh" {
		return l[0]
	}
	return l[1]
}
