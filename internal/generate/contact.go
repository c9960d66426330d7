package generate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/voc-analytics/voc/pipeline"
)

// Contacts per hour of the day, weekdays and weekends/holidays (relative).
// Peaks: weekdays 10-12 and 18-21, weekends 14-17.
var hourWeights = [2][24]float64{
	{0.25, 0.12, 0.08, 0.06, 0.06, 0.08, 0.15, 0.35, 0.7, 1.1, 1.9, 1.95, 1.2, 1.0, 1.0, 1.0, 1.0, 1.05, 1.75, 1.9, 1.85, 1.2, 0.75, 0.45},
	{0.35, 0.18, 0.10, 0.07, 0.06, 0.07, 0.12, 0.25, 0.5, 0.85, 1.1, 1.2, 1.1, 1.2, 1.9, 2.0, 1.95, 1.3, 1.3, 1.35, 1.3, 1.1, 0.75, 0.5},
}

// holidays are Chinese public holidays (human coverage ~30%, like nights).
var holidays = map[string]bool{
	"2026-01-01": true, "2026-02-16": true, "2026-02-17": true, "2026-02-18": true, "2026-02-19": true,
	"2026-02-20": true, "2026-04-05": true, "2026-05-01": true, "2026-06-19": true, "2026-09-25": true,
	"2026-10-01": true, "2026-10-02": true, "2026-10-03": true, "2026-10-04": true, "2026-10-05": true,
	"2026-10-06": true, "2026-10-07": true, "2027-01-01": true,
}

func isWeekend(d time.Time) bool {
	return d.Weekday() == time.Saturday || d.Weekday() == time.Sunday || holidays[d.Format(time.DateOnly)]
}

// IsPeak reports whether t is in a peak hour: weekdays 10-12 and 18-21, weekends 14-17.
func IsPeak(t time.Time) bool {
	t = t.In(Shanghai)
	h := t.Hour()
	if isWeekend(t) {
		return h >= 14 && h < 17
	}
	return (h >= 10 && h < 12) || (h >= 18 && h < 21)
}

// LowCoverage reports nights (22-08) and holidays, when only ~30% of agents work.
func LowCoverage(t time.Time) bool {
	t = t.In(Shanghai)
	h := t.Hour()
	return h >= 22 || h < 8 || holidays[t.Format(time.DateOnly)]
}

type contactSpec struct {
	at       int64
	customer int
	cat      *Category // nil: drawn from the customer's product
	channel  string    // "": drawn from the channel mix
	repeat   int       // 0 for a first contact, else how many earlier contacts about it
	emerging bool
}

// customer is derived from its number alone, so none are kept in memory.
type customer struct {
	id       string
	tags     []string
	vip      int
	product  *Product
	purchase string
	lang     string
	elderly  bool
}

var productCum = func() []float64 {
	var cum []float64
	t := 0.0
	for _, p := range Products {
		t += p.share
		cum = append(cum, t)
	}
	return cum
}()

func (g *generator) customer(i int) customer {
	r := rand.New(rand.NewPCG(g.cfg.Seed^0x637573746f6d6572, uint64(i)))
	c := customer{id: fmt.Sprintf("u-%07d", i), lang: "zh"}
	x := r.Float64() * productCum[len(productCum)-1]
	pi, _ := slices.BinarySearch(productCum, x)
	c.product = &Products[min(pi, len(Products)-1)]
	if r.IntN(100) < 10 {
		c.lang = "en"
	}
	if r.IntN(100) < 10 {
		c.vip = 1 + r.IntN(3)
		c.tags = append(c.tags, "vip")
	}
	if r.IntN(100) < 9 {
		c.elderly = true
		c.tags = append(c.tags, "elderly")
	}
	if r.IntN(100) < 12 {
		c.tags = append(c.tags, "gamer")
	}
	days := int(math.Min(1000, math.Abs(r.NormFloat64())*300)) + 3
	c.purchase = g.cfg.Start.AddDate(0, 0, -days).Format(time.DateOnly)
	return c
}

func (g *generator) pickChannel(c customer, not string) string {
	total := 0.0
	for _, ch := range channelMix {
		if ch.name != not {
			total += channelWeight(c, ch.name, ch.share)
		}
	}
	x := g.r.Float64() * total
	for _, ch := range channelMix {
		if ch.name == not {
			continue
		}
		if x -= channelWeight(c, ch.name, ch.share); x < 0 {
			return ch.name
		}
	}
	return pipeline.ChannelApp
}

// channelWeight: elderly customers call rather than chat.
func channelWeight(c customer, ch string, share float64) float64 {
	if c.elderly && ch == pipeline.ChannelPhone {
		return share * 1.8
	}
	return share
}

// emergingPerDay is the planted issue's extra contacts on a day: from 0.4% of
// volume on its first day, +30% a day, capped at 6%.
func (g *generator) emergingPerDay(day int) int {
	if !g.cfg.EmergingIssue || day < g.cfg.EmergingFromDay {
		return 0
	}
	share := math.Min(0.004*math.Pow(1.3, float64(day-g.cfg.EmergingFromDay)), 0.06)
	return int(share * float64(g.cfg.ContactsPerDay))
}

// hour generates the contacts that start in one hour: fresh ones spread by
// the hour-of-week profile, the planted issue's, and repeats scheduled earlier.
func (g *generator) hour(dayStart time.Time, hour int) {
	hs := dayStart.Unix() + int64(hour)*3600
	g.curHour = hs / 3600
	wk := b2i(isWeekend(dayStart))
	sum := 0.0
	for _, w := range hourWeights[wk] {
		sum += w
	}
	share := hourWeights[wk][hour] / sum
	// About a fifth of a day's contacts are repeats scheduled by earlier ones.
	// Fractions carry over to the next hour, so small volumes still add up.
	g.carry[0] += float64(g.cfg.ContactsPerDay) * 0.75 * share
	g.carry[1] += float64(g.emergingPerDay(g.day)) * share
	fresh, emerging := int(g.carry[0]), int(g.carry[1])
	g.carry[0] -= float64(fresh)
	g.carry[1] -= float64(emerging)
	specs := g.repeats[g.curHour]
	delete(g.repeats, g.curHour)
	for range fresh {
		specs = append(specs, contactSpec{at: hs + g.r.Int64N(3600), customer: g.r.IntN(g.population)})
	}
	emergingCat := categoryBySlug["remote-after-update"]
	for range emerging {
		cust := g.r.IntN(g.population)
		for g.customer(cust).product.Model != g.cfg.EmergingModel {
			cust = g.r.IntN(g.population)
		}
		specs = append(specs, contactSpec{at: hs + g.r.Int64N(3600), customer: cust, cat: emergingCat, emerging: true})
	}
	slices.SortStableFunc(specs, func(a, b contactSpec) int { return int(a.at - b.at) })
	for i := range specs {
		g.contact(specs[i])
	}
}

// chat builds one contact's events with strictly increasing times.
type chat struct {
	g    *generator
	id   string
	lang string
	t    int64
	n    int
	msgs int
}

func (c *chat) add(dt int64, e *pipeline.ChatEvent) {
	c.t += max(dt, 1)
	c.n++
	e.ContactID = c.id
	e.EventID = eventID(c.id, c.n)
	c.g.push(c.t, e)
}

func (c *chat) msg(dt int64, sender, agentID, text string) {
	if text == "" {
		return
	}
	if sender == pipeline.SenderCustomer && c.g.chance(0.04) {
		text = withPII(c.g.r, c.lang, text)
	}
	c.msgs++
	c.add(dt, &pipeline.ChatEvent{Envelope: pipeline.Envelope{Type: pipeline.ContactMessage},
		MessageID: "m" + strconv.Itoa(c.msgs), Sender: sender, AgentID: agentID, Text: text})
}

// contact is the truth behind one contact, used for its survey and repeats.
type contact struct {
	id, customer, channel string
	lang                  string
	waitSec               int64
	transfers, crossTeam  int
	trulyResolved         bool
	ticketID              string
	endAt                 int64
	mood                  mood
}

// botSolves is how often the bot settles a chat about a topic on its own.
var botSolves = map[string]float64{
	"display": 0.08, "remote": 0.18, "sound": 0.15, "network-wifi": 0.2, "app-casting": 0.25,
	"update-firmware": 0.15, "installation": 0.25, "repair-progress": 0.2, "refund-billing": 0.2,
	"delivery": 0.3, "account": 0.35, "wait-time": 0.02, "service-attitude": 0, "power-boot": 0.05, "other": 0.3,
}

// ticketRates is how often a served contact about a topic opens a ticket.
var ticketRates = map[string]float64{
	"display": 0.33, "remote": 0.10, "sound": 0.12, "network-wifi": 0.05, "app-casting": 0.03,
	"update-firmware": 0.12, "installation": 0.55, "repair-progress": 0.15, "refund-billing": 0.1,
	"delivery": 0.14, "account": 0.03, "wait-time": 0.14, "service-attitude": 0.35, "power-boot": 0.45, "other": 0.05,
}

var angerRates = map[string]float64{"wait-time": 0.6, "service-attitude": 0.55, "repair-progress": 0.45, "refund-billing": 0.25, "delivery": 0.25}

// contact writes one chat or call: start, bot, queue, agents, messages,
// transfers, end or abandonment; then its ticket, survey and any repeat.
func (g *generator) contact(spec contactSpec) {
	cu := g.customer(spec.customer)
	start := toTime(spec.at)
	low := LowCoverage(start)
	cat := spec.cat
	if cat == nil {
		cat = g.catCDF[cu.product.Model][b2i(low)].pick(g.r)
		if g.cfg.EmergingIssue && g.day >= g.cfg.EmergingFromDay && cat.Topic == "remote" && cu.product.Model == g.cfg.EmergingModel && g.chance(0.7) {
			cat, spec.emerging = categoryBySlug["remote-after-update"], true
		}
	}
	if spec.channel == "" {
		spec.channel = g.pickChannel(cu, "")
	}
	topic := cat.Topic
	g.topicDays[g.day][topicIndex[topic]]++
	ch := spec.channel
	corp := corpora[cu.lang]
	m := moodNeutral
	anger := angerRates[topic] + 0.15 + 0.2*float64(min(spec.repeat, 2))
	if low {
		anger += 0.05
	}
	switch x := g.r.Float64(); {
	case cat.Slug == "service-attitude-praise":
		m = moodPolite
	case x < anger:
		m = moodAngry
	case x < anger+0.3:
		m = moodPolite
	}
	tp := Topics[topicIndex[topic]]
	team := tp.team
	s := &slots{model: cu.product.Model, topicZh: tp.Zh, topicEn: tp.En}

	c := &chat{g: g, id: g.nextID("c", spec.at), lang: cu.lang, t: spec.at - 1}
	out := contact{id: c.id, customer: cu.id, channel: ch, lang: cu.lang, mood: m}
	c.add(1, &pipeline.ChatEvent{Envelope: pipeline.Envelope{Type: pipeline.ContactStarted}, Channel: ch, CustomerID: cu.id,
		CustomerTags: cu.tags, VIPLevel: cu.vip, ProductModel: cu.product.Model, PurchaseDate: cu.purchase, Language: cu.lang})
	g.sum.Contacts++
	if spec.repeat > 0 {
		g.sum.RepeatContacts++
	}
	if spec.emerging {
		g.sum.EmergingContacts++
	}
	opening := customerOpening(g.r, cu.lang, cat, s, m, ch == pipeline.ChannelPhone)
	botFirst := ch == pipeline.ChannelApp || ch == pipeline.ChannelWeb || ch == pipeline.ChannelWeChat
	async := ch == pipeline.ChannelEmail || ch == pipeline.ChannelCommunity

	switch {
	case botFirst:
		c.msg(g.between(1, 2), pipeline.SenderBot, "", corp.pick(g.r, "bot_greet"))
		if low {
			c.msg(1, pipeline.SenderBot, "", corp.pick(g.r, "bot_night"))
		}
		c.msg(g.between(8, 60), pipeline.SenderCustomer, "", opening)
		c.msg(g.between(2, 4), pipeline.SenderBot, "", fill(g.r, corp.pickTopic(g.r, "tip", topic), s, cu.lang))
		solve := botSolves[topic]
		if spec.emerging {
			solve = 0.03
		}
		switch x := g.r.Float64(); {
		case x < 0.04:
			c.add(g.between(30, 300), &pipeline.ChatEvent{Envelope: pipeline.Envelope{Type: pipeline.ContactAbandoned}, Stage: "bot", Reason: "left the chat"})
			g.abandoned(spec, cu, cat, c.t)
			return
		case x < 0.04+solve:
			c.msg(g.between(20, 120), pipeline.SenderCustomer, "", corp.pick(g.r, "bot_ack"))
			c.msg(g.between(60, 300), pipeline.SenderCustomer, "", corp.pick(g.r, "thanks"))
			c.msg(g.between(1, 3), pipeline.SenderBot, "", corp.pick(g.r, "bot_done"))
			out.trulyResolved = g.chance(0.85)
			c.add(g.between(5, 60), &pipeline.ChatEvent{Envelope: pipeline.Envelope{Type: pipeline.ContactEnded},
				Resolved: ptr(true), ServiceCategory: cat.Slug, ProductModel: cu.product.Model})
			out.endAt = c.t
			g.afterContact(spec, cu, cat, &out)
			return
		}
		c.msg(g.between(10, 60), pipeline.SenderCustomer, "", corp.pick(g.r, "human"))
		reason := "customer asked for a human"
		if g.chance(0.3) {
			reason = "bot could not answer"
		}
		c.add(g.between(1, 3), &pipeline.ChatEvent{Envelope: pipeline.Envelope{Type: pipeline.ContactBotHandoff}, Queue: team, Reason: reason})
		c.msg(1, pipeline.SenderBot, "", fill(g.r, corp.pick(g.r, "bot_handoff"), s, cu.lang))
	case async:
		c.msg(g.between(0, 5), pipeline.SenderCustomer, "", opening)
	default: // phone: IVR menu before the queue
		c.t += g.between(15, 60)
	}
	c.add(1, &pipeline.ChatEvent{Envelope: pipeline.Envelope{Type: pipeline.ContactQueued}, Queue: team})
	queuedAt := c.t

	wait, patience := g.wait(ch, start, low, cu)
	if !async && g.chance(0.025) {
		patience = float64(g.between(1, 5)) // hung up or closed the chat at once
	}
	if patience < wait {
		reason := "customer hung up"
		if ch != pipeline.ChannelPhone {
			reason = "customer left the queue"
		}
		c.add(int64(patience), &pipeline.ChatEvent{Envelope: pipeline.Envelope{Type: pipeline.ContactAbandoned}, Stage: "queue", Reason: reason})
		g.abandoned(spec, cu, cat, c.t)
		return
	}

	// The outcome is decided up front; messages are written to match it.
	ticketRate := ticketRates[topic]
	switch {
	case cat.Slug == "service-attitude-praise":
		ticketRate = 0
	case spec.emerging:
		ticketRate = 0.25
	case low && (topic == "wait-time" || topic == "service-attitude" || topic == "repair-progress" || topic == "refund-billing"):
		ticketRate *= 1.23
	}
	withTicket := g.chance(ticketRate)
	cross := b2i(g.chance(0.14))
	within := pickIndex(g.r, []float64{0.36, 0.12, 0.14, 0.15, 0.11, 0.12})
	resolveP := 0.735 - 0.12*float64(cross) - 0.025*float64(within)
	if spec.emerging {
		resolveP = 0.3
	}
	out.trulyResolved = !withTicket && g.chance(resolveP)
	// Agents are optimistic: half of what is not solved is still marked resolved.
	flag := out.trulyResolved && g.chance(0.96) || !out.trulyResolved && !withTicket && g.chance(0.55) || withTicket && g.chance(0.08)
	nAgent := 1 + pickIndex(g.r, []float64{0.40, 0.24, 0.16, 0.12, 0.08})
	if cross+within > 0 { // each agent says something before passing the customer on
		nAgent = max(nAgent, min(cross+within+1, 2+g.r.IntN(4)))
	}
	// transferAfter[i]: transfers right after agent message i (never after the last).
	transferAfter := make([]int, nAgent)
	for range within + cross {
		transferAfter[g.r.IntN(nAgent-1)]++
	}

	agentID := g.agentID(team)
	c.add(int64(wait), &pipeline.ChatEvent{Envelope: pipeline.Envelope{Type: pipeline.ContactAgentAnswered}, AgentID: agentID, Team: team})
	out.waitSec = c.t - queuedAt
	s.agent = agentName(g.r, cu.lang)

	agentGap := func() int64 {
		switch {
		case async:
			return g.between(600, 4*3600)
		case ch == pipeline.ChannelPhone:
			return g.between(8, 50)
		default: // chat agents serve 3-5 chats at once
			return g.between(15, 150)
		}
	}
	custGap := func() int64 {
		switch {
		case async:
			return g.between(1800, 8*3600)
		case ch == pipeline.ChannelPhone:
			return g.between(5, 40)
		default:
			return g.between(20, 120)
		}
	}
	if ch == pipeline.ChannelPhone {
		c.msg(g.between(3, 10), pipeline.SenderCustomer, "", opening)
	}
	curTeam := team
	crossLeft := cross
	var ticketID string
	for i := range nAgent {
		last := i == nAgent-1
		var parts []string
		if i == 0 || transferAfter[i-1] > 0 {
			parts = append(parts, fill(g.r, corp.pick(g.r, "agent_greet"), s, cu.lang))
			if m == moodAngry || wait > 15*60 {
				parts = append(parts, corp.pick(g.r, "agent_sorry"))
			}
		}
		switch {
		case last:
			parts = append(parts, fill(g.r, corp.pickTopic(g.r, "solution", topic), s, cu.lang))
			if withTicket {
				ticketID = g.nextID("t", c.t)
				s.ticket = ticketID
				parts = append(parts, fill(g.r, corp.pick(g.r, "agent_ticket"), s, cu.lang))
			}
			parts = append(parts, corp.pick(g.r, "agent_close"))
		case transferAfter[i] > 0:
			if i > 0 {
				parts = append(parts, fill(g.r, corp.pickTopic(g.r, "solution", topic), s, cu.lang))
			}
		case g.chance(0.5):
			parts = append(parts, corp.pick(g.r, "agent_ask"))
		default:
			parts = append(parts, fill(g.r, corp.pickTopic(g.r, "solution", topic), s, cu.lang))
		}
		type hop struct{ to, reason string }
		var hops []hop
		for range transferAfter[i] {
			h := hop{curTeam, withinReasons[g.r.IntN(len(withinReasons))]}
			if crossLeft > 0 && g.r.IntN(transferAfter[i]) == 0 {
				to := crossTeam(g.r, topic, curTeam)
				h = hop{to, crossReasons[to]}
				crossLeft--
			}
			hops = append(hops, h)
		}
		if len(hops) > 0 {
			if hops[0].to != curTeam {
				s.queue = teamName(hops[0].to, cu.lang)
				parts = append(parts, fill(g.r, corp.pick(g.r, "agent_transfer"), s, cu.lang))
			} else {
				parts = append(parts, corp.pick(g.r, "agent_transfer_within"))
			}
		}
		c.msg(agentGap(), pipeline.SenderAgent, agentID, joinSentences(cu.lang, parts))
		for _, h := range hops {
			to, reason := h.to, h.reason
			if to != curTeam {
				out.crossTeam++
			}
			c.add(g.between(5, 30), &pipeline.ChatEvent{Envelope: pipeline.Envelope{Type: pipeline.ContactTransferred}, FromTeam: curTeam, ToTeam: to, Reason: reason, Queue: to})
			out.transfers++
			curTeam = to
			agentID = g.agentID(curTeam)
			s.agent = agentName(g.r, cu.lang)
			c.add(g.between(20, 240), &pipeline.ChatEvent{Envelope: pipeline.Envelope{Type: pipeline.ContactAgentAnswered}, AgentID: agentID, Team: curTeam})
		}
		if !last {
			sec := "followup"
			if m == moodAngry && g.chance(0.5) {
				sec = "followup_angry"
			}
			c.msg(custGap(), pipeline.SenderCustomer, "", fill(g.r, corp.pick(g.r, sec), s, cu.lang))
			if !async && g.chance(0.002) {
				c.add(g.between(60, 600), &pipeline.ChatEvent{Envelope: pipeline.Envelope{Type: pipeline.ContactAbandoned}, Stage: "agent", Reason: "customer stopped replying"})
				g.abandoned(spec, cu, cat, c.t)
				return
			}
		}
	}
	switch {
	case flag && g.chance(0.75):
		c.msg(custGap(), pipeline.SenderCustomer, "", corp.pick(g.r, "thanks"))
	case !flag && g.chance(0.6):
		c.msg(custGap(), pipeline.SenderCustomer, "", corp.pick(g.r, "unresolved_end"))
	}
	c.add(g.between(5, 90), &pipeline.ChatEvent{Envelope: pipeline.Envelope{Type: pipeline.ContactEnded},
		Resolved: ptr(flag), ServiceCategory: cat.Slug, ProductModel: cu.product.Model, TicketID: ticketID})
	out.endAt = c.t
	if withTicket {
		out.ticketID = ticketID
		g.ticket(ticketID, c.t, &out, cu, cat, m, low, s)
	}
	g.afterContact(spec, cu, cat, &out)
}

var withinReasons = []string{"second-line specialist", "skill group re-route", "agent shift change", "senior agent requested"}
var crossReasons = map[string]string{
	"field-repair": "needs on-site repair", "complaints": "complaint handling", "billing": "billing question",
	"logistics": "logistics follow-up", "network-support": "network specialist", "after-sales": "after-sales follow-up",
	"tv-support": "product specialist", "account-support": "account question",
}

// crossTeam is the other team a topic's contacts are transferred to.
func crossTeam(r *rand.Rand, topic, from string) string {
	var to string
	switch topic {
	case "display", "power-boot", "sound", "remote", "update-firmware":
		to = []string{"field-repair", "after-sales"}[r.IntN(2)]
	case "refund-billing", "wait-time", "service-attitude", "repair-progress":
		to = "complaints"
	case "delivery":
		to = "after-sales"
	default:
		to = teams[r.IntN(len(teams))]
	}
	if to == from {
		to = "after-sales"
		if from == "after-sales" {
			to = "field-repair"
		}
	}
	return to
}

func (g *generator) agentID(team string) string {
	return fmt.Sprintf("a-%04d", (slices.Index(teams, team)+1)*100+g.r.IntN(80))
}

var agentNamesZh = []string{"小张", "小李", "小王", "小陈", "小刘", "小杨", "小赵", "小周", "小吴", "小林", "小敏", "小雪"}
var agentNamesEn = []string{"Amy", "Ben", "Chloe", "David", "Emma", "Frank", "Grace", "Henry"}

func agentName(r *rand.Rand, lang string) string {
	if lang == "en" {
		return agentNamesEn[r.IntN(len(agentNamesEn))]
	}
	return agentNamesZh[r.IntN(len(agentNamesZh))]
}

func joinSentences(lang string, parts []string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 && lang == "en" {
			b.WriteByte(' ')
		}
		b.WriteString(p)
		if lang == "zh" && !strings.HasSuffix(p, "？") && !strings.HasSuffix(p, "。") && !strings.HasSuffix(p, "！") {
			if strings.HasSuffix(p, "吗") || strings.HasSuffix(p, "呢") {
				b.WriteString("？")
			} else {
				b.WriteString("。")
			}
		}
		if lang == "en" && !strings.HasSuffix(p, "?") && !strings.HasSuffix(p, ".") && !strings.HasSuffix(p, "!") {
			b.WriteByte('.')
		}
	}
	return b.String()
}

// wait returns the queue wait and how long this customer would wait, in seconds.
// Waits are longer at peaks and when coverage is low (nights, holidays).
func (g *generator) wait(ch string, start time.Time, low bool, cu customer) (wait, patience float64) {
	load := 0.8
	switch {
	case low:
		load = 1.4
	case IsPeak(start):
		load = 1.45
	}
	wait = g.waitScale[ch] * load * math.Exp(g.r.NormFloat64()*0.9-0.405)
	switch ch {
	case pipeline.ChannelEmail, pipeline.ChannelCommunity:
		return wait, math.Inf(1)
	case pipeline.ChannelPhone:
		patience = g.r.ExpFloat64() * 75 * 60
	default:
		patience = g.r.ExpFloat64() * 90 * 60
	}
	if cu.elderly {
		patience *= 1.5
	}
	return wait, patience
}

// abandoned: most customers who gave up try again later, often on another channel.
func (g *generator) abandoned(spec contactSpec, cu customer, cat *Category, at int64) {
	g.sum.Abandoned++
	if g.chance(0.65) {
		g.scheduleRepeat(at+int64(g.lognormal(2*3600, 1.0)), spec, cu, cat)
	}
}

// afterContact sends the survey and schedules a repeat contact when the
// problem was not truly solved.
func (g *generator) afterContact(spec contactSpec, cu customer, cat *Category, out *contact) {
	g.contactSurvey(out)
	switch {
	case out.ticketID != "":
		if cat.Topic != "repair-progress" && g.chance(0.15) { // "where is my repair?"
			follow := contactSpec{customer: spec.customer, cat: categoryBySlug["repair-progress-status"], channel: spec.channel}
			g.scheduleRepeat(out.endAt+int64(g.lognormal(2.5*86400, 0.4)), follow, cu, nil)
		}
	case !out.trulyResolved && g.chance(0.82):
		g.scheduleRepeat(out.endAt+int64(g.lognormal(20*3600, 1.0)), spec, cu, cat)
	}
}

// scheduleRepeat queues prev's customer to come back at `at` about cat (the
// same issue; nil: about prev.cat as a new issue), often on another channel.
func (g *generator) scheduleRepeat(at int64, prev contactSpec, cu customer, cat *Category) {
	next := contactSpec{at: at, customer: prev.customer, emerging: prev.emerging, repeat: prev.repeat + 1, cat: cat}
	if cat == nil {
		next.cat, next.repeat, next.emerging = prev.cat, 0, false
	} else if g.chance(0.3) {
		next.cat = g.sibling(cat)
	}
	// People come back at the hours they usually get in touch: keep the day,
	// draw the hour from the hour-of-week profile (unless that is too early).
	day := toTime(at)
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, Shanghai)
	if t := day.Unix() + int64(pickHour(g.r, isWeekend(day)))*3600 + g.r.Int64N(3600); t > at-6*3600 || g.chance(0.5) {
		next.at = max(t, g.curHour*3600+3600)
	}
	next.channel = prev.channel
	if g.chance(0.45) {
		next.channel = g.pickChannel(cu, prev.channel)
	}
	if cur := g.curHour + 1; at/3600 < cur { // hours already generated: next hour
		next.at = cur*3600 + g.r.Int64N(3600)
	}
	h := next.at / 3600
	g.repeats[h] = append(g.repeats[h], next)
}

// sibling is another category of the same topic.
func (g *generator) sibling(cat *Category) *Category {
	if cat.Slug == "remote-after-update" {
		return cat
	}
	sib := siblings[cat.Topic]
	return sib[g.r.IntN(len(sib))]
}

// siblings are each topic's ordinary categories.
var siblings = func() map[string][]*Category {
	m := map[string][]*Category{}
	for i := range Categories {
		if c := &Categories[i]; c.Slug != "remote-after-update" && c.Slug != "other-projector-focus" {
			m[c.Topic] = append(m[c.Topic], c)
		}
	}
	return m
}()

// pickHour draws an hour of the day from the contact profile.
func pickHour(r *rand.Rand, weekend bool) int {
	w := hourWeights[b2i(weekend)]
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	x := r.Float64() * sum
	for h, v := range w {
		if x -= v; x < 0 {
			return h
		}
	}
	return 23
}

func pickIndex(r *rand.Rand, weights []float64) int {
	x := r.Float64()
	for i, w := range weights {
		if x -= w; x < 0 {
			return i
		}
	}
	return len(weights) - 1
}

func ptr[T any](v T) *T { return &v }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
