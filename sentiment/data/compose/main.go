// Command compose writes the project's composed customer-service training
// lines (sentiment/data/train_cs_composed.tsv): label<TAB>text utterances
// built from hand-written clause banks (faults, service complaints, praise,
// polite and sarcastic frames, contrasts, negations) in Simplified Chinese
// and English. Every bank and frame is the voc project's own writing.
//
// The output is deterministic for a seed:
//
//	go run ./sentiment/data/compose -seed 1 > sentiment/data/train_cs_composed.tsv
//
// These lines only train the model. The evaluation sets in
// sentiment/testdata/ are written separately, by hand, and never composed;
// a composed line that happens to equal an evaluation text (short replies
// such as "ok" or 还行) is skipped (-exclude).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"

	"github.com/voc-analytics/voc/sentiment"
)

func main() {
	seed := flag.Uint64("seed", 1, "random seed")
	zhN := flag.Int("zh", 4000, "Chinese lines to write")
	enN := flag.Int("en", 2000, "English lines to write")
	exclude := flag.String("exclude", "sentiment/testdata/eval_zh.tsv,sentiment/testdata/eval_en.tsv", "comma-separated label<TAB>text files whose texts are never written")
	flag.Parse()
	seen := map[string]bool{}
	var evalTexts []string
	for _, f := range strings.Split(*exclude, ",") {
		if f == "" {
			continue
		}
		items, err := sentiment.ReadLabeledFile(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, "compose:", err)
			os.Exit(1)
		}
		for _, it := range items {
			evalTexts = append(evalTexts, it.Text)
		}
	}
	// Evaluation texts and their near-copies are never written.
	nearEval := sentiment.NewNearCopyIndex(evalTexts)
	r := rand.New(rand.NewPCG(*seed, 7))
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	emit := func(n int, c *composer) {
		for written, tries := 0, 0; written < n && tries < n*50; tries++ {
			label, text := c.line(r)
			k := sentiment.TextKey(text)
			if seen[k] {
				continue
			}
			if _, _, near := nearEval.Match(text); near {
				continue
			}
			seen[k] = true
			fmt.Fprintf(w, "%s\t%s\n", label, text)
			written++
		}
	}
	emit(*zhN, zh)
	emit(*enN, en)
}

// composer draws labelled lines: each frame has a label and a template whose
// {slot}s are filled from banks.
type composer struct {
	banks  map[string][]string
	frames map[string][]string // label -> templates
	mix    []string            // labels in proportion: 4 neg, 3 neu, 3 pos
}

func (c *composer) line(r *rand.Rand) (string, string) {
	label := c.mix[r.IntN(len(c.mix))]
	fr := c.frames[label]
	return label, c.fill(r, fr[r.IntN(len(fr))], 0)
}

func (c *composer) fill(r *rand.Rand, t string, depth int) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			b.WriteString(t)
			break
		}
		j := strings.IndexByte(t[i:], '}')
		if j < 0 {
			panic("unclosed slot in " + t)
		}
		b.WriteString(t[:i])
		name := t[i+1 : i+j]
		bank, ok := c.banks[name]
		if !ok {
			panic("no bank " + name)
		}
		v := bank[r.IntN(len(bank))]
		if depth < 4 {
			v = c.fill(r, v, depth+1)
		}
		b.WriteString(v)
		t = t[i+j+1:]
	}
	return b.String()
}

var mix = []string{"neg", "neg", "neg", "neg", "neu", "neu", "neu", "pos", "pos", "pos"}

func split(s string) []string { return strings.Split(s, "|") }

var zh = &composer{
	mix: mix,
	banks: map[string][]string{
		"p":        split("电视|空调|冰箱|洗衣机|遥控器|机顶盒|路由器|回音壁|热水器|智能屏|手机|扫地机|洗碗机|投影仪|音箱|烤箱|油烟机|平板"),
		"tv":       split("电视|智能屏|投影仪"),
		"model":    split("E8N 65|A7F|Q9 75|U8K|S6 55|M3 43|X10|E5H 85"),
		"n":        split("两|三|四|五|好几"),
		"nth":      split("二|三|四|五"),
		"dur":      split("一个星期|半个月|三天|两个小时|一整天|一个多月|十几天|五天|一上午"),
		"short":    split("两个月|一周|三天|半年|十天"),
		"fault":    split("开不了机|开机黑屏|一直闪屏|没有声音|连不上wifi|投屏连不上|按键没反应|显示E{d}故障码|漏水|不制冷|自动关机|画面卡顿|有一条竖线|屏幕有亮点|一直重启|充不进电|声音忽大忽小|画面发绿|停在开机界面|蓝牙连不上|不出热水|脱水的时候响|门关不严|指示灯一直闪"),
		"d":        split("1|2|3|4|5|21|31"),
		"ask":      split("怎么办|怎么处理|需要报修吗|是什么原因|能安排师傅上门吗|要怎么设置|还在保修期吗|维修大概多少钱|需要寄回去吗"),
		"svcq":     split("上门安装要收费吗|保修期从哪天开始算|怎么取消自动续费|发票怎么开|师傅几点能到|退款多久到账|可以改约时间吗|维修网点在哪里|怎么关掉开机广告|配件多少钱|怎么恢复出厂设置|工单进度在哪里看|会员可以几台设备用"),
		"ack":      split("好的|嗯嗯|行|收到|明白了|知道了|可以|好的没问题|稍等一下|对的"),
		"ack2":     split("我等电话|我明天在家|那就周六吧|我先试一下|我去看一下型号|就是客厅那台|我把照片发给你|没有别的问题了|下午两点以后都可以"),
		"note":     split("客户反映{p}{fault}，已派单|用户来电咨询{svcq2}，已解答|工单已转区域网点|客户要求改约到{day}|已预约{day}上门|客户更换联系电话，已更新|故障描述：{p}{fault}|客户要求回电，时间晚上七点以后"),
		"svcq2":    split("安装费用|保修政策|会员续费|以旧换新|退货流程|配件价格|移机费用"),
		"day":      split("周一|周三上午|周五下午|周六|周日上午|下周二|明天下午"),
		"sugg":     split("增加维修进度短信提醒|简化退款流程|统一门店和热线的口径|在APP首页放报修入口|开放周末上门时段|满意度调查增加开放问题"),
		"wait":     split("等了{dur}都没人处理|排队排了{dur2}|电话一直打不通|说好回电到现在也没人联系|工单提交{dur}了还是待受理|在线客服半天不回|一直没人理|催了{n}次还没结果"),
		"dur2":     split("四十分钟|一个多小时|半个小时|快一个小时"),
		"svcbad":   split("客服态度很差|转了{n}个部门都没人管|每次都要从头再说一遍|问什么都说不知道|客服直接挂我电话|师傅放我鸽子|师傅迟到了两个小时|上门费收了还没修好|退款一直不到账|乱收费|工单没修好就被关了|自动续费也不提醒|答应的补偿一直没兑现|维修报价一天一个样|推来推去没人负责|回复全是模板|师傅修完东西乱放也不收拾"),
		"again":    split("又坏了|又出问题了|又开始了|还是老样子|还是没修好"),
		"intens":   split("太|真的太|实在太|特别|非常|有点"),
		"badadj":   split("差|失望|慢|坑|离谱|让人生气|敷衍|不负责任|糟心"),
		"vent":     split("烦死了|气死我了|受够了|无语|服了|太坑了|我要投诉|再也不买了|要你们有什么用|必须给我个说法|后悔买了|😡|🙄|👎"),
		"rhet":     split("难道要我自己修吗|你们到底管不管|还要等多久|到底有没有人负责|这就是你们的服务吗|是不是要我去投诉才管"),
		"sarc":     split("真是太好了|好厉害|服务真好|效率真高|谢谢你们啊|真是专业|挺好"),
		"polite":   split("麻烦你们重视一下|希望尽快处理|能不能认真对待一下|不好意思我还得再催一下|我理解你们忙|请给个明确答复"),
		"good":     split("客服态度很好|师傅很专业|修好了|退款到账了|安装很快|回复很及时|处理得很快|师傅很准时|客服很有耐心|换货很顺利|效果很好|画质很清楚|声音很好|用着很顺手"),
		"praise":   split("谢谢|感谢|辛苦了|点赞|好评|给五星|很满意|非常满意|太感谢了|👍|🙏|赞一个|下次还选你们"),
		"who":      split("客服|师傅|工程师|小姐姐|客服小哥|售后|你们"),
		"mild":     split("等了一会儿|过程有点长|中间转了一次|配件要等几天|第一次没修好|价格贵了点|师傅晚到了一会儿|排了一会儿队"),
		"nice":     split("客服态度挺好|师傅人很好|客服很有礼貌|回复挺快的|外观挺好看|价格便宜|安装挺快"),
		"stillbad": split("问题还是没解决|{p}还是坏的|到现在也没修好|用了两天又坏了|质量真不行|退款还是没到|售后太差了"),
		"neg0":     split("麻烦|慢|差|失望|担心|贵"),
	},
	frames: map[string][]string{
		"neu": split(
			"{p}{fault}，{ask}|请问{p}{fault}{ask}|你好，我家{p}{fault}|我的{p}型号是{model}，{fault}|{p}{fault}，已经重启过了|{p}从昨天开始{fault}|请问{svcq}|你好，请问{svcq}|{ack}，{ack2}|{ack}|{ack2}|{note}|建议{sugg}|员工建议：{sugg}|有人遇到过{p}{fault}的情况吗|求助：{p}{fault}，{ask}|型号{model}，{fault}，{ask}|我想问一下{svcq}|{p}{fault}，指示灯是亮的|帮我查一下工单进度|订单号{num}，想查一下物流|我要预约{day}上门安装{p}|一般|还行|凑合吧|暂无意见"),
		"neg": split(
			"{p}{fault}，{wait}|{p}{again}，这是第{nth}次了|买了才{short}就{fault}，质量{intens}{badadj}了|{svcbad}，{vent}|{svcbad}，{intens}{badadj}了|{wait}，{rhet}|{rhet}|{sarc}，{p}{again}|{sarc}，{svcbad}|{polite}，{p}{fault}已经第{nth}次了|{polite}，{wait}|{nice}，但是{stillbad}|虽然{nice}，可是{stillbad}|{nice}，不过{stillbad}|{svcbad}|{wait}|{p}{again}，{vent}|{intens}{badadj}了，{svcbad}|不满意，{stillbad}|{p}{fault}，{svcbad}|修了{n}次还是{fault}|我已经打了{n}次电话了，{wait}|{svcbad}，{rhet}|差评，{svcbad}|{wait}，{intens}{badadj}"),
		"pos": split(
			"{good}，{praise}|{who}{good2}，{praise}|{good}|{praise}，{good}|虽然{mild}，但是{good}|{mild}，不过{good}，{praise}|{mild}，但{who}{good2}|一点都不{neg0}，{good}|没想到这么快就{fixed}，{praise}|{fixed}了，{praise}|{ack}，{fixed}了，谢谢|{who}{good2}，{good}|问题一次就解决了，{praise}|没什么可挑剔的，{praise}|{p}{fixed}了，{praise}|按你说的做了，{fixed}了，{praise}|服务没话说，{praise}"),
	},
}

func init() {
	zh.banks["good2"] = split("很专业|很耐心|很负责|很热情|很细心|态度很好|服务很到位|处理很及时|讲解很清楚|很准时")
	zh.banks["fixed"] = split("修好了|解决了|正常了|可以用了|搞定了|恢复了")
	zh.banks["num"] = split("202611190047|202611200117|20261103|W20261120058|202610310992")
	en.banks["fixed"] = split("fixed|sorted|working again|back to normal|resolved")
	en.banks["num"] = split("202611190047|W20261120058|A-88213|1102-77")
}

var en = &composer{
	mix: mix,
	banks: map[string][]string{
		"p":        split("TV|AC|fridge|washer|remote|set-top box|router|soundbar|water heater|smart display|phone|robot vacuum|dishwasher|projector|speaker"),
		"model":    split("E8N 65|A7F|Q9 75|U8K|S6 55"),
		"fault":    split("won't turn on|has a black screen|keeps flickering|has no sound|won't connect to Wi-Fi|can't cast from my phone|doesn't respond|shows error E{d}|is leaking|isn't cooling|turns itself off|keeps freezing|has a vertical line|keeps rebooting|won't charge|is stuck on the logo|makes a loud noise|won't pair"),
		"d":        split("1|2|3|4|5|21"),
		"ask":      split("what should I do?|how do I fix it?|can you send a technician?|is it covered by warranty?|how much would a repair cost?|do I need to send it in?|any ideas?"),
		"svcq":     split("is installation free?|when does the warranty start?|how do I cancel auto-renewal?|how does the trade-in work?|can I get an invoice?|how long does a refund take?|can I reschedule?|how do I turn off the startup ads?|how do I factory reset it?|where can I see my ticket status?"),
		"ack":      split("ok|okay|sure|got it|alright|yes|noted|thanks, noted"),
		"ack2":     split("I'll wait for the call|I'll be home tomorrow|Saturday works|I'll try that now|let me check the model number|it's the one in the bedroom|I'll send a photo|that's all for now|any time after 2 pm is fine"),
		"note":     split("Customer reports the {p} {fault}, visit booked|Customer asked about {svcq2}, answered|Ticket forwarded to the regional center|Customer asked to reschedule to {day}|Customer updated phone number|Issue: {p} {fault}|Customer requests a callback after 7 pm"),
		"svcq2":    split("installation fees|the warranty policy|membership renewal|trade-in|the return process|parts prices"),
		"day":      split("Monday|Wednesday morning|Friday afternoon|Saturday|next Tuesday|tomorrow afternoon"),
		"sugg":     split("send repair status by SMS|simplify refunds|add a direct-to-agent option to the phone menu|confirm visits by phone 30 minutes ahead|put the repair button on the app home screen|offer weekend visits"),
		"dur":      split("a week|two weeks|three days|a whole day|over a month|ten days|all morning"),
		"n":        split("two|three|four|five|several"),
		"nth":      split("second|third|fourth|fifth"),
		"short":    split("two months|a week|three days|six months|ten days"),
		"wait":     split("I've been waiting {dur} and nobody has done anything|I was on hold for {hold}|the hotline never picks up|nobody called me back as promised|the ticket has been pending for {dur}|the chat agent takes forever to reply|nobody is responding|I've chased this {n} times"),
		"hold":     split("45 minutes|over an hour|half an hour|almost an hour"),
		"svcbad":   split("the agent was rude|I got transferred {n} times|I had to repeat everything again|nobody knows anything|the agent hung up on me|the technician never showed up|you charged a visit fee and didn't fix it|my refund still hasn't arrived|you closed my ticket without fixing it|you auto-renewed me without warning|the promised compensation never came|everyone blames someone else|all I get are copy-paste replies"),
		"again":    split("broke again|is acting up again|has the same problem again|is still not fixed"),
		"intens":   split("really|so|extremely|very|pretty"),
		"badadj":   split("disappointing|frustrating|slow|annoying|unacceptable|ridiculous|bad"),
		"vent":     split("I'm fed up|this is ridiculous|I want to file a complaint|never buying from you again|what a joke|I want a refund|😡|👎"),
		"rhet":     split("do I have to fix it myself?|does anyone care?|how much longer do I have to wait?|is anyone responsible for this?|is this your idea of service?|do I need to complain to get help?"),
		"sarc":     split("Great|Wonderful|Fantastic|Brilliant|Just perfect|Nice job"),
		"polite":   split("I'd appreciate a proper response|please take this seriously|sorry to chase again|I know you're busy|could someone please look into this|please give me a clear answer"),
		"good":     split("the agent was very helpful|the technician was professional|the problem is solved|it's fixed|the refund arrived|installation was quick|you replied quickly|the service was excellent|it was handled fast|the technician was on time|the agent was patient|the exchange was smooth|it works perfectly now|the picture is great"),
		"praise":   split("thank you|much appreciated|great job|five stars|very satisfied|really happy|thanks so much|well done|👍|will recommend you"),
		"mild":     split("the wait was a bit long|it took a few days|I was transferred once|the part took a while|the first visit didn't fix it|I was worried at first|it cost a bit more|the technician was a little late"),
		"nice":     split("the agent was polite|the technician was nice|the reply was quick|it looks great|the price was fair|installation was fast"),
		"stillbad": split("the problem is still there|my {p} is still broken|it still doesn't work|it broke again two days later|the quality is poor|I still have no refund"),
		"neg0":     split("a problem|a hassle|difficult|slow|bad"),
	},
	frames: map[string][]string{
		"neu": split(
			"my {p} {fault}, {ask}|hi, my {p} {fault}|my {p} ({model}) {fault}, {ask}|the {p} {fault} even after a restart|since yesterday the {p} {fault}|hi, {svcq}|quick question: {svcq}|{ack}, {ack2}|{ack}|{ack2}|{note}|Suggestion: {sugg}|has anyone had the {p} that {fault}?|help: my {p} {fault}, {ask}|model {model}, it {fault}, {ask}|order {num}, where is my delivery?|I'd like to book an installation for {day}|average|it was ok|no comment"),
		"neg": split(
			"my {p} {fault} and {wait}|the {p} {again}, this is the {nth} time|bought it {short} ago and it already {fault}, {intens} {badadj}|{svcbad}, {vent}|{svcbad}, {intens} {badadj}|{wait}, {rhet}|{rhet}|{sarc}, the {p} {again}|{sarc}, {svcbad}|{polite}, the {p} {fault} for the {nth} time|{polite}, {wait}|{nice}, but {stillbad}|although {nice}, {stillbad}|{nice}. however, {stillbad}|{svcbad}|{wait}|the {p} {again}, {vent}|{svcbad}, not happy|not satisfied, {stillbad}|repaired {n} times and it still {fault}|{wait}. {intens} {badadj}|terrible, {svcbad}"),
		"pos": split(
			"{good}, {praise}|{good}|{praise}, {good}|although {mild}, {good}|{mild}, but {good}, {praise}|{mild}, but in the end {good}|not {neg0} at all, {good}|didn't expect it to be {fixed} so fast, {praise}|it's {fixed}, {praise}|{ack}, it's {fixed} now, thanks|no complaints, {praise}|solved on the first try, {praise}|my {p} is {fixed}, {praise}|did what you said and it's {fixed}, {praise}"),
	},
}
