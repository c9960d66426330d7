package report

import (
	"github.com/voc-analytics/voc/internal/catalog"
	"github.com/voc-analytics/voc/metrics"
)

func topicTitle(id, lang string) string {
	t, ok := catalog.TopicByID(id)
	if !ok {
		return id
	}
	if lang == "zh" {
		return t.Zh
	}
	return t.En
}

func categoryTitle(slug, lang string) string {
	c, ok := catalog.CategoryBySlug(slug)
	if !ok {
		return slug
	}
	if lang == "zh" {
		return c.Zh
	}
	return c.En
}

var channelZh = map[string]string{"app": "App 在线", "phone": "电话热线", "wechat": "微信", "web": "网页", "community": "社区", "email": "邮件"}

func dimTitle(dim, v, lang string) string {
	switch dim {
	case "service_category":
		return categoryTitle(v, lang)
	case "topic":
		return topicTitle(v, lang)
	case "channel":
		if lang == "zh" && channelZh[v] != "" {
			return channelZh[v]
		}
	}
	return v
}

// metricZh are the headline metrics' Chinese names (DOMAIN.md's language
// section); the registry's titles are English.
var metricZh = map[string]string{
	"contacts": "联络量", "fcr": "首次解决率", "asa": "平均等待", "asa_p90": "等待时长 P90", "asa_p50": "等待时长中位数",
	"csat": "满意度", "nps": "净推荐值", "negative_share": "负面情绪占比", "ticket_sla_compliance": "工单 SLA 达成率",
	"sentiment_mean": "平均情感", "repeat_rate": "重复联络率",
}

func metricTitle(m *metrics.Metric, lang string) string {
	if lang == "zh" && metricZh[m.Name] != "" {
		return metricZh[m.Name]
	}
	return m.Title
}
