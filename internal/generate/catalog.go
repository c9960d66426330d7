package generate

import (
	"bufio"
	"embed"
	"fmt"
	"strings"

	"github.com/voc-analytics/voc/internal/catalog"
	"github.com/voc-analytics/voc/pipeline"
)

//go:embed texts/*.txt
var textFS embed.FS

// Topic is one of the issue topics of internal/catalog, with how the
// generator talks about it and how often it comes up.
type Topic struct {
	Name   string // catalog topic id, e.g. "network-wifi"
	Zh, En string // how customers and agents name it in generated text
	weight float64
	team   string // team whose queue serves it first
}

// Category is a catalog service category with the symptom phrasings the
// generator writes for it (texts/categories.txt).
type Category struct {
	catalog.Category
	SymptomsZh []string
	SymptomsEn []string
}

// topicProfiles: spoken names, weights and first teams of the catalog topics.
var topicProfiles = map[string]Topic{
	"display":          {"display", "屏幕显示", "display", 10, "tv-support"},
	"remote":           {"remote", "遥控器", "remote control", 7, "tv-support"},
	"sound":            {"sound", "声音", "sound", 6, "tv-support"},
	"network-wifi":     {"network-wifi", "网络WiFi", "network/WiFi", 9, "network-support"},
	"app-casting":      {"app-casting", "应用投屏", "apps and casting", 9, "network-support"},
	"update-firmware":  {"update-firmware", "系统升级", "firmware update", 5, "tv-support"},
	"installation":     {"installation", "安装", "installation", 10, "after-sales"},
	"repair-progress":  {"repair-progress", "维修进度", "repair progress", 7, "after-sales"},
	"refund-billing":   {"refund-billing", "退款账单", "refund and billing", 8, "billing"},
	"delivery":         {"delivery", "物流配送", "delivery", 7, "logistics"},
	"account":          {"account", "账号", "account", 4, "account-support"},
	"wait-time":        {"wait-time", "等待时间", "waiting time", 3, "complaints"},
	"service-attitude": {"service-attitude", "服务态度", "service attitude", 3, "complaints"},
	"power-boot":       {"power-boot", "开关机", "power and boot", 6, "tv-support"},
	"other":            {"other", "其他", "other", 6, "tv-support"},
}

// Topics lists the catalog's issue topics in catalog order, with their profiles.
var Topics = func() []Topic {
	out := make([]Topic, 0, len(catalog.Topics))
	for _, t := range catalog.Topics {
		p, ok := topicProfiles[t.ID]
		if !ok {
			panic("generate: no profile for catalog topic " + t.ID)
		}
		out = append(out, p)
	}
	if len(topicProfiles) != len(out) {
		panic("generate: topicProfiles has topics the catalog does not")
	}
	return out
}()

// Categories lists the catalog's service categories in catalog order, with
// their symptoms from texts/categories.txt.
var Categories = mustLoadCategories()

// TopicOf returns the issue topic of a service category slug ("" if unknown).
func TopicOf(category string) string { return catalog.TopicOf(category) }

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
	symptoms := map[string][2][]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := strings.Split(line, " | ")
		if len(p) != 3 {
			panic(fmt.Sprintf("texts/categories.txt:%d: want 3 fields separated by ' | '", n))
		}
		if _, ok := catalog.CategoryBySlug(p[0]); !ok {
			panic(fmt.Sprintf("texts/categories.txt:%d: %q is not a catalog category (internal/catalog/categories.tsv)", n, p[0]))
		}
		symptoms[p[0]] = [2][]string{splitAlt(p[1]), splitAlt(p[2])}
	}
	out := make([]Category, 0, len(catalog.Categories))
	for _, c := range catalog.Categories {
		s, ok := symptoms[c.Slug]
		if !ok {
			panic("texts/categories.txt: no symptoms for catalog category " + c.Slug)
		}
		out = append(out, Category{Category: c, SymptomsZh: s[0], SymptomsEn: s[1]})
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

// Product is a catalog model, with its share of customers and how often
// each topic comes up for it.
type Product struct {
	Model  string
	Kind   string // tv, projector, soundbar, box
	share  float64
	topics map[string]float64 // multipliers of the topic weights
}

// productProfiles are the shares and fault profiles of the catalog models.
var productProfiles = map[string]Product{
	"E8N 65":      {share: 9},
	"E8N 75":      {share: 6},
	"A7 Pro 55":   {share: 10},
	"A7 Pro 65":   {share: 9},
	"Redmi X55":   {share: 14, topics: map[string]float64{"display": 1.2, "app-casting": 1.2}},
	"Redmi X65":   {share: 10},
	"Redmi A43":   {share: 12, topics: map[string]float64{"display": 1.3, "app-casting": 1.4, "installation": 0.7}},
	"S Pro 85":    {share: 4, topics: map[string]float64{"installation": 1.8, "delivery": 1.5}},
	"P1 Pro":      {share: 7, topics: map[string]float64{"display": 1.4, "installation": 0.3, "remote": 0.8}},
	"Soundbar S2": {share: 5, topics: map[string]float64{"sound": 6, "display": 0, "remote": 0.5, "installation": 0.5, "update-firmware": 0.6}},
	"Box 4S":      {share: 6, topics: map[string]float64{"display": 0.2, "app-casting": 2.2, "network-wifi": 2, "installation": 0.1}},
}

// Products are the catalog's models in catalog order; the first is the
// emerging-issue default.
var Products = func() []Product {
	out := make([]Product, 0, len(catalog.Products))
	for _, c := range catalog.Products {
		p, ok := productProfiles[c.Model]
		if !ok {
			panic("generate: no profile for catalog product " + c.Model)
		}
		p.Model, p.Kind = c.Model, c.Kind
		out = append(out, p)
	}
	if len(productProfiles) != len(out) {
		panic("generate: productProfiles has models the catalog does not")
	}
	return out
}()

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
