package generate

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// corpus is one language's text fragments by section (texts/zh.txt, texts/en.txt).
type corpus map[string][]string

var corpora = map[string]corpus{"zh": mustLoadCorpus("texts/zh.txt"), "en": mustLoadCorpus("texts/en.txt")}

func mustLoadCorpus(name string) corpus {
	f, err := textFS.Open(name)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	c := corpus{}
	section := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), " \t")
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = line[1 : len(line)-1]
		case section == "":
			panic(fmt.Sprintf("%s:%d: text outside a section", name, n))
		case line == "-":
			c[section] = append(c[section], "")
		default:
			c[section] = append(c[section], line)
		}
	}
	return c
}

// pick returns a random variant of section, falling back to fallback's section.
func (c corpus) pick(r *rand.Rand, section string) string {
	v := c[section]
	if len(v) == 0 {
		return ""
	}
	return v[r.IntN(len(v))]
}

// pickTopic picks from "kind:topic", else "kind:other".
func (c corpus) pickTopic(r *rand.Rand, kind, topic string) string {
	if v := c[kind+":"+topic]; len(v) > 0 {
		return v[r.IntN(len(v))]
	}
	return c.pick(r, kind+":other")
}

// slots are the values a template's {name} placeholders take.
type slots struct {
	model, ticket, agent, queue, topicZh, topicEn string
	count                                         int
}

var weekdaysZh = []string{"周一", "周二", "周三", "周四", "周五", "周六", "周日"}
var weekdaysEn = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
var cities = []string{"北京", "上海", "广州", "深圳", "成都", "武汉", "杭州", "南京", "西安", "郑州", "长沙", "天津"}
var errorCodes = []string{"E-102", "E-203", "0x80070005", "NET-404", "ERR_17", "E31", "1003", "C-0021"}

// fill replaces {slot} placeholders in tmpl.
func fill(r *rand.Rand, tmpl string, s *slots, lang string) string {
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:i])
		b.WriteString(slotValue(r, tmpl[i+1:i+j], s, lang))
		tmpl = tmpl[i+j+1:]
	}
}

func slotValue(r *rand.Rand, name string, s *slots, lang string) string {
	switch name {
	case "model":
		return s.model
	case "ticket":
		return s.ticket
	case "agent":
		return s.agent
	case "queue":
		return s.queue
	case "topic_zh":
		return s.topicZh
	case "topic_en":
		return s.topicEn
	case "count":
		return strconv.Itoa(s.count)
	case "n":
		return strconv.Itoa(2 + r.IntN(9))
	case "days":
		return strconv.Itoa(2 + r.IntN(6))
	case "mins":
		return strconv.Itoa(10 + r.IntN(50))
	case "hours":
		return strconv.Itoa(2 + r.IntN(20))
	case "pct":
		return strconv.Itoa(10 + r.IntN(89))
	case "code":
		return errorCodes[r.IntN(len(errorCodes))]
	case "time":
		if lang == "en" {
			return strconv.Itoa(5+r.IntN(4)) + " pm"
		}
		return []string{"晚上7点", "下午3点", "早上9点", "中午", "晚上8点半", "下午5点"}[r.IntN(6)]
	case "date":
		if lang == "en" {
			return fmt.Sprintf("%d/%d", 1+r.IntN(12), 1+r.IntN(28))
		}
		return fmt.Sprintf("%d月%d号", 1+r.IntN(12), 1+r.IntN(28))
	case "wd":
		if lang == "en" {
			return weekdaysEn[r.IntN(7)]
		}
		return weekdaysZh[r.IntN(7)]
	case "city":
		return cities[r.IntN(len(cities))]
	}
	return "{" + name + "}"
}

// typos are colloquial misspellings and shortcuts Chinese customers type.
var typos = []struct{ from, to string }{
	{"已经", "以经"}, {"反应", "反映"}, {"一直", "一只"}, {"怎么", "咋"}, {"什么", "啥"},
	{"应该", "因该"}, {"觉得", "觉的"}, {"的时候", "得时候"}, {"登录", "登陆"}, {"没有", "木有"},
	{"这个", "这"}, {"师傅", "师父"}, {"客服", "kf"}, {"电视", "电视机"},
}

var emoji = map[mood][]string{
	moodAngry:   {"😡", "😤", "🙄", "😭", "💢", "😓"},
	moodNeutral: {"😅", "😂", "🤔", "😓"},
	moodPolite:  {"🙏", "👍", "😊", "😂"},
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-32) + s[1:]
}

// mood is how a customer writes.
type mood int

const (
	moodNeutral mood = iota
	moodAngry
	moodPolite
)

// deviceTopics are about the product itself: customers name it first.
var deviceTopics = map[string]bool{"display": true, "remote": true, "sound": true, "network-wifi": true,
	"app-casting": true, "update-firmware": true, "power-boot": true}

// customerOpening writes the customer's first description of a problem.
func customerOpening(r *rand.Rand, lang string, cat *Category, s *slots, m mood, phone bool) string {
	c := corpora[lang]
	tail := "tail_neutral"
	switch m {
	case moodAngry:
		tail = "tail_angry"
	case moodPolite:
		tail = "tail_polite"
	}
	if lang == "en" {
		sym := fill(r, cat.SymptomsEn[r.IntN(len(cat.SymptomsEn))], s, lang)
		subject := fill(r, c.pick(r, "subject"), s, lang)
		var head string
		switch r.IntN(3) + 3*b2i(!deviceTopics[cat.Topic]) {
		case 0:
			head = "problem with " + subject + ": " + sym
		case 1:
			head = subject + " - " + sym
		case 2, 4:
			head = sym + " (" + s.model + ")"
		default:
			head = sym
		}
		open := c.pick(r, "open")
		if open == "" {
			head = capitalize(head)
		}
		out := head
		if open != "" {
			out = open + " " + head
		}
		secs := []string{"tried", "ask", tail}
		if deviceTopics[cat.Topic] {
			if since := fill(r, c.pick(r, "since"), s, lang); since != "" {
				out += " " + since
			}
		} else {
			secs = []string{"since_service", "ask_service", tail}
		}
		if !strings.HasSuffix(out, ".") && !strings.HasSuffix(out, "?") {
			out += "."
		}
		for _, sec := range secs {
			if v := fill(r, c.pick(r, sec), s, lang); v != "" && v != "." {
				out += " " + v
			}
		}
		return out
	}
	open := c.pick(r, "open")
	if phone && r.IntN(2) == 0 {
		open = "喂，你好，"
	}
	sym := fill(r, cat.SymptomsZh[r.IntN(len(cat.SymptomsZh))], s, lang)
	var head string
	switch {
	case deviceTopics[cat.Topic]:
		head = open + fill(r, c.pick(r, "subject"), s, lang) + sym
	case r.IntN(10) < 3:
		head = open + sym + "，型号是" + s.model
	default:
		head = open + sym
	}
	parts := []string{head}
	if deviceTopics[cat.Topic] {
		if r.IntN(3) > 0 {
			parts = append(parts, fill(r, c.pick(r, "since"), s, lang))
		}
		if r.IntN(2) == 0 {
			parts = append(parts, c.pick(r, "tried"))
		}
		parts = append(parts, c.pick(r, "ask"))
	} else {
		parts = append(parts, fill(r, c.pick(r, "since_service"), s, lang), c.pick(r, "ask_service"))
	}
	out := strings.Join(nonEmptyStrings(parts), "，")
	t := c.pick(r, tail)
	if strings.HasPrefix(t, "，") || strings.HasPrefix(t, "。") || strings.HasPrefix(t, "？") || strings.HasPrefix(t, "！") || strings.HasPrefix(t, "😡") || strings.HasPrefix(t, "气") {
		out += t
	} else if t != "" {
		out += "，" + t
	}
	return colloquial(r, out, m)
}

// colloquial adds the occasional typo, emoji that fits the mood, or doubled punctuation.
func colloquial(r *rand.Rand, s string, m mood) string {
	if r.IntN(100) < 18 {
		t := typos[r.IntN(len(typos))]
		s = strings.Replace(s, t.from, t.to, 1)
	}
	switch x := r.IntN(100); {
	case x < 10:
		e := emoji[m]
		s += e[r.IntN(len(e))]
	case x < 14:
		s = strings.ReplaceAll(s, "？", "？？")
	case x < 17:
		s = strings.TrimRight(s, "。，")
	}
	return s
}

func nonEmptyStrings(in []string) []string {
	out := in[:0]
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, strings.TrimRight(s, "，,"))
		}
	}
	return out
}

// Fake PII, so that downstream redaction has something to catch.

var idAreas = []string{"110105", "310115", "440305", "510107", "330106", "420102", "320102", "610113"}
var emailDomains = []string{"qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "sina.com"}
var emailNames = []string{"zhang", "li.wei", "wang_fang", "chen88", "liu.yang", "tvfan", "xiaoming", "amy.z", "john.w", "huang"}
var roads = []string{"建国路", "中山路", "人民路", "解放大道", "长安街", "科技园南路", "天府大道", "滨江路"}

func fakeMobile(r *rand.Rand) string {
	return fmt.Sprintf("1%d%09d", 3+r.IntN(7), r.IntN(1_000_000_000))
}

func fakeEmail(r *rand.Rand) string {
	return fmt.Sprintf("%s%d@%s", emailNames[r.IntN(len(emailNames))], r.IntN(1000), emailDomains[r.IntN(len(emailDomains))])
}

// fakeIDNumber returns an 18-digit resident ID number with a valid GB 11643 checksum.
func fakeIDNumber(r *rand.Rand) string {
	b := make([]byte, 0, 18)
	b = append(b, idAreas[r.IntN(len(idAreas))]...)
	b = fmt.Appendf(b, "%04d%02d%02d%03d", 1950+r.IntN(55), 1+r.IntN(12), 1+r.IntN(28), r.IntN(1000))
	return string(append(b, idChecksum(b)))
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

func idChecksum(first17 []byte) byte {
	sum := 0
	for i, c := range first17[:17] {
		sum += int(c-'0') * idWeights[i]
	}
	return "10X98765432"[sum%11]
}

func fakeAddress(r *rand.Rand) string {
	return fmt.Sprintf("%s市%s%d号%d栋%d室", cities[r.IntN(len(cities))], roads[r.IntN(len(roads))], 1+r.IntN(300), 1+r.IntN(30), 101+r.IntN(2500))
}

// withPII appends a fake phone number, e-mail, ID number or address.
func withPII(r *rand.Rand, lang, text string) string {
	if lang == "en" {
		if !strings.HasSuffix(text, ".") && !strings.HasSuffix(text, "!") && !strings.HasSuffix(text, "?") {
			text += "."
		}
		switch r.IntN(3) {
		case 0:
			return text + " My number is " + fakeMobile(r) + "."
		case 1:
			return text + " Email me at " + fakeEmail(r)
		default:
			return text + " Call me on +86 " + fakeMobile(r)
		}
	}
	switch r.IntN(6) {
	case 0, 1:
		return text + "，我电话" + fakeMobile(r)
	case 2:
		return text + "，邮箱" + fakeEmail(r)
	case 3:
		return text + "，身份证号" + fakeIDNumber(r)
	case 4:
		return text + "，地址是" + fakeAddress(r)
	default:
		return "手机号" + fakeMobile(r) + "，" + text
	}
}
