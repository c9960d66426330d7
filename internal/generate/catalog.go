package generate

import (
	"bufio"
	"embed"
	"fmt"
	"strings"

	"github.com/voc-analytics/voc/pipeline"
)

//go:embed texts/*.txt
var textFS embed.FS

// Topic is one of the ~15 issue topics the 115 service categories group into.
type Topic struct {
	Name   string // e.g. "network-wifi"
	Zh, En string // display names
	weight float64
	team   string // team whose queue serves it first
}

// Category is one of the 115 service categories (contact.ended service_category).
type Category struct {
	Slug       string // e.g. "remote-no-response"
	Topic      string
	Zh         string // display name, used as ticket title
	SymptomsZh []string
	SymptomsEn []string
}

// Topics lists the issue topics in a fixed order.
var Topics = []Topic{
	{"display", "屏幕显示", "display", 10, "tv-support"},
	{"remote", "遥控器", "remote control", 7, "tv-support"},
	{"sound", "声音", "sound", 6, "tv-support"},
	{"network-wifi", "网络WiFi", "network/WiFi", 9, "network-support"},
	{"app-casting", "应用投屏", "apps and casting", 9, "network-support"},
	{"update-firmware", "系统升级", "firmware update", 5, "tv-support"},
	{"installation", "安装", "installation", 10, "after-sales"},
	{"repair-progress", "维修进度", "repair progress", 7, "after-sales"},
	{"refund-billing", "退款账单", "refund and billing", 8, "billing"},
	{"delivery", "物流配送", "delivery", 7, "logistics"},
	{"account", "账号", "account", 4, "account-support"},
	{"wait-time", "等待时间", "waiting time", 3, "complaints"},
	{"service-attitude", "服务态度", "service attitude", 3, "complaints"},
	{"power-boot", "开关机", "power and boot", 6, "tv-support"},
	{"other", "其他", "other", 6, "tv-support"},
}

// Categories lists the 115 service categories, grouped by topic, from texts/categories.txt.
var Categories = mustLoadCategories()

// TopicOf returns the issue topic of a service category slug ("" if unknown).
func TopicOf(category string) string {
	if c, ok := categoryBySlug[category]; ok {
		return c.Topic
	}
	return ""
}

var categoryBySlug = func() map[string]*Category {
	m := make(map[string]*Category, len(Categories))
	for i := range Categories {
		m[Categories[i].Slug] = &Categories[i]
	}
	return m
}()

var topicIndex = func() map[string]int {
	m := make(map[string]int, len(Topics))
	for i, t := range Topics {
		m[t.Name] = i
	}
	return m
}()

func mustLoadCategories() []Category {
	f, err := textFS.Open("texts/categories.txt")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	var out []Category
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := strings.Split(line, " | ")
		if len(p) != 5 {
			panic(fmt.Sprintf("texts/categories.txt:%d: want 5 fields separated by ' | '", n))
		}
		out = append(out, Category{Slug: p[1], Topic: p[0], Zh: p[2], SymptomsZh: splitAlt(p[3]), SymptomsEn: splitAlt(p[4])})
	}
	return out
}

func splitAlt(s string) []string {
	var out []string
	for _, v := range strings.Split(s, " / ") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Product is a model customers own, with how often each topic comes up for it.
type Product struct {
	Model  string
	Kind   string // tv, projector, soundbar, box
	share  float64
	topics map[string]float64 // multipliers of the topic weights
}

// Products are the models customers own; the first is the emerging-issue default.
var Products = []Product{
	{"E8N 65", "tv", 9, nil},
	{"E8N 75", "tv", 6, nil},
	{"A7 Pro 55", "tv", 10, nil},
	{"A7 Pro 65", "tv", 9, nil},
	{"Redmi X55", "tv", 14, map[string]float64{"display": 1.2, "app-casting": 1.2}},
	{"Redmi X65", "tv", 10, nil},
	{"Redmi A43", "tv", 12, map[string]float64{"display": 1.3, "app-casting": 1.4, "installation": 0.7}},
	{"S Pro 85", "tv", 4, map[string]float64{"installation": 1.8, "delivery": 1.5}},
	{"P1 Pro", "projector", 7, map[string]float64{"display": 1.4, "installation": 0.3, "remote": 0.8}},
	{"Soundbar S2", "soundbar", 5, map[string]float64{"sound": 6, "display": 0, "remote": 0.5, "installation": 0.5, "update-firmware": 0.6}},
	{"Box 4S", "box", 6, map[string]float64{"display": 0.2, "app-casting": 2.2, "network-wifi": 2, "installation": 0.1}},
}

// Teams serving contacts; topics name their first team.
var teams = []string{"tv-support", "network-support", "after-sales", "billing", "logistics", "account-support", "complaints", "field-repair"}

var teamNamesZh = map[string]string{
	"tv-support": "电视技术支持", "network-support": "网络与应用支持", "after-sales": "售后", "billing": "账务",
	"logistics": "物流", "account-support": "账号服务", "complaints": "投诉处理", "field-repair": "上门维修",
}

// teamName is how agents name a team to customers.
func teamName(team, lang string) string {
	if lang == "zh" {
		return teamNamesZh[team]
	}
	return team
}

// channelMix in contract order with their shares of contacts.
var channelMix = []struct {
	name  string
	share float64
}{
	{pipeline.ChannelApp, 63}, {pipeline.ChannelPhone, 27.5}, {pipeline.ChannelWeChat, 4},
	{pipeline.ChannelWeb, 3}, {pipeline.ChannelCommunity, 2}, {pipeline.ChannelEmail, 1},
}
