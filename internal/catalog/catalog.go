package catalog

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"strings"
)

// Topic is one issue topic; each service category belongs to one.
type Topic struct {
	ID string // kebab-case id, e.g. "network-wifi"
	Zh string // Chinese display name
	En string // English display name
}

// Category is one of the service categories an agent sets at the end of a
// contact or a ticket.
type Category struct {
	Slug  string // e.g. "remote-no-response"
	Topic string // Topic.ID
	Zh    string
	En    string
}

// Product is a model customers own.
type Product struct {
	Model string // e.g. "E8N 65"
	Kind  string // tv | projector | soundbar | box
}

// Topics are the issue topics, in display order.
var Topics = []Topic{
	{"display", "显示/屏幕", "Display"},
	{"remote", "遥控器", "Remote control"},
	{"sound", "声音/音响", "Sound"},
	{"network-wifi", "网络/WiFi", "Network / WiFi"},
	{"app-casting", "App/投屏", "App / casting"},
	{"update-firmware", "升级/固件", "Update / firmware"},
	{"installation", "安装", "Installation"},
	{"repair-progress", "维修进度", "Repair progress"},
	{"refund-billing", "退款/费用", "Refund / billing"},
	{"delivery", "物流/配送", "Delivery"},
	{"account", "账号/会员", "Account"},
	{"wait-time", "等待时长", "Wait time"},
	{"service-attitude", "服务态度", "Service attitude"},
	{"power-boot", "开机/电源", "Power / boot"},
	{"other", "其他", "Other"},
}

// Products are the models customers own.
var Products = []Product{
	{"E8N 65", "tv"},
	{"E8N 75", "tv"},
	{"A7 Pro 55", "tv"},
	{"A7 Pro 65", "tv"},
	{"Redmi X55", "tv"},
	{"Redmi X65", "tv"},
	{"Redmi A43", "tv"},
	{"S Pro 85", "tv"},
	{"P1 Pro", "projector"},
	{"Soundbar S2", "soundbar"},
	{"Box 4S", "box"},
}

//go:embed categories.tsv
var categoriesTSV []byte

// Categories are the service categories, grouped by topic in Topics order.
var Categories = mustParseCategories(categoriesTSV)

var (
	categoryBySlug = index(Categories, func(c Category) string { return c.Slug })
	topicByID      = index(Topics, func(t Topic) string { return t.ID })
)

func index[T any](xs []T, key func(T) string) map[string]int {
	m := make(map[string]int, len(xs))
	for i, x := range xs {
		m[key(x)] = i
	}
	return m
}

// CategoryBySlug returns the category with that slug.
func CategoryBySlug(slug string) (Category, bool) {
	i, ok := categoryBySlug[slug]
	if !ok {
		return Category{}, false
	}
	return Categories[i], true
}

// TopicOf returns the topic id of a service category ("" if unknown).
func TopicOf(slug string) string {
	c, _ := CategoryBySlug(slug)
	return c.Topic
}

// TopicByID returns the topic with that id.
func TopicByID(id string) (Topic, bool) {
	i, ok := topicByID[id]
	if !ok {
		return Topic{}, false
	}
	return Topics[i], true
}

// TopicIDs returns the topic ids in order.
func TopicIDs() []string {
	out := make([]string, len(Topics))
	for i, t := range Topics {
		out[i] = t.ID
	}
	return out
}

func mustParseCategories(b []byte) []Category {
	cs, err := parseCategories(b)
	if err != nil {
		panic(err)
	}
	return cs
}

// parseCategories reads categories.tsv and checks it against Topics: every
// slug unique, every topic known and used, categories grouped in Topics order.
func parseCategories(b []byte) ([]Category, error) {
	var out []Category
	seen := map[string]bool{}
	used := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("categories.tsv:%d: want 4 tab-separated fields (slug, topic, zh, en), got %d", n, len(f))
		}
		c := Category{Slug: f[0], Topic: f[1], Zh: f[2], En: f[3]}
		if c.Slug == "" || c.Zh == "" || c.En == "" {
			return nil, fmt.Errorf("categories.tsv:%d: empty field", n)
		}
		if seen[c.Slug] {
			return nil, fmt.Errorf("categories.tsv:%d: duplicate slug %q", n, c.Slug)
		}
		ti, ok := topicByIDOf(c.Topic)
		if !ok {
			return nil, fmt.Errorf("categories.tsv:%d: unknown topic %q (topics: %s)", n, c.Topic, strings.Join(TopicIDs(), ", "))
		}
		if len(out) > 0 {
			if prev, _ := topicByIDOf(out[len(out)-1].Topic); ti < prev {
				return nil, fmt.Errorf("categories.tsv:%d: category %q of topic %q after topic %q: keep categories grouped in topic order", n, c.Slug, c.Topic, out[len(out)-1].Topic)
			}
		}
		seen[c.Slug] = true
		used[c.Topic] = true
		out = append(out, c)
	}
	for _, t := range Topics {
		if !used[t.ID] {
			return nil, fmt.Errorf("categories.tsv: topic %q has no category", t.ID)
		}
	}
	return out, sc.Err()
}

// topicByIDOf is TopicByID's index, usable while Categories is initialised.
func topicByIDOf(id string) (int, bool) {
	for i, t := range Topics {
		if t.ID == id {
			return i, true
		}
	}
	return 0, false
}
