package report

import (
	"testing"
	"time"
)

func cand(id, text string, kw ...string) Candidate {
	return Candidate{Quote: Quote{Source: "contact", ID: id, Text: text, At: time.Unix(int64(len(id)), 0)}, Keywords: kw}
}

func TestSelectQuotes(t *testing.T) {
	cands := []Candidate{
		// centroid over 6 distinct texts: 遥控器 5/6, 没反应 3/6, 升级 2/6, 电池 1/6, 配对 1/6, 声音 1/6
		cand("c1", "遥控器按了没反应，换了电池也不行", "遥控器", "没反应", "电池"),
		cand("c2", "遥控器按了没反应，换了电池也不行！！", "遥控器", "没反应", "电池"), // duplicate of c1 once normalised
		cand("c3", "升级以后遥控器就没反应了", "升级", "遥控器", "没反应"),
		cand("c4", "遥控器配对不上，我电话[PHONE]", "遥控器", "配对"),
		cand("c5", "电视没有声音了怎么办呢", "声音"),
		cand("c6", "系统升级后遥控器失灵", "升级", "遥控器"),
		cand("c7", "短", "遥控器"), // too short
		cand("c8", "遥控器没反应怎么处理呢", "遥控器", "没反应"),
	}
	got := SelectQuotes(cands, 3)
	// typicality (cosine with the centroid, |centroid| = sqrt(25+9+4+1+1+1)/6 = sqrt(41)/6):
	//   c8 {遥控器, 没反应}: (5+3)/6 / (sqrt(41)/6 * sqrt 2) = 8/sqrt(82) = 0.883
	//   c3 {升级, 遥控器, 没反应}: 10/sqrt(123) = 0.902
	//   c6 {升级, 遥控器}: 7/sqrt(82) = 0.773
	//   c1 {遥控器, 没反应, 电池}: 9/sqrt(123) = 0.812
	//   c4 has a placeholder (last resort), c5 0.156.
	// Order: c3 0.902, c8 0.883 (Jaccard with c3 = 2/3: skipped), c1 0.812 (Jaccard with c3 = 2/4: skipped),
	// c6 0.773 (with c3 = 2/3: skipped), c5 0.156: taken, then c4 (placeholder): 遥控器/配对 vs c3 1/4: taken.
	want := []string{"c3", "c5", "c4"}
	if len(got) != len(want) {
		t.Fatalf("quotes %+v, want %v", got, want)
	}
	for i := range want {
		if got[i].ID != want[i] {
			t.Errorf("quote %d = %s (%.3f), want %s", i, got[i].ID, got[i].Typicality, want[i])
		}
	}
	if got[0].Typicality != 0.902 {
		t.Errorf("typicality of c3 = %g, want 0.902", got[0].Typicality)
	}
	if q := SelectQuotes(nil, 3); q != nil {
		t.Errorf("no candidates: %v", q)
	}
	// Background: 7 texts with 遥控器 (4 of them also 声音) and c1 (遥控器,
	// 没反应, 电池): df 遥控器 8, 声音 4, 没反应 1, 电池 1 over 8 texts. In
	// cands (8 texts), lift = (df/8) / ((bg df + 1)/9):
	//   遥控器 df 7: 0.875 / 1 = 0.875, common to all: left out;
	//   没反应 df 4: 0.5 / (2/9) = 2.25, score 4 ln 2.25 = 3.24;
	//   升级 df 2: 0.25 / (1/9) = 2.25, score 2 ln 2.25 = 1.62;
	//   电池 df 2: 0.25 / (2/9) = 1.125 < 2: left out; 配对, 声音 df 1: too rare.
	var bg []Candidate
	for i := range 7 {
		bg = append(bg, cand("b", "x", "遥控器"))
		if i < 4 {
			bg[i].Keywords = append(bg[i].Keywords, "声音")
		}
	}
	bg = append(bg, cands...)
	bg = bg[:8]
	if kw := TopKeywords(cands, bg, 3); len(kw) != 2 || kw[0] != "没反应" || kw[1] != "升级" {
		t.Errorf("top keywords = %v, want [没反应 升级]", kw)
	}
}

func TestMatchSuggestions(t *testing.T) {
	day := time.Date(2026, 11, 10, 10, 0, 0, 0, time.UTC)
	posts := []Post{
		{ID: "p1", Title: "遥控器升级问题", Tags: []string{"remote"}, Endorsements: 5, PostedAt: day, Status: "open"},
		{ID: "p2", Title: "建议增加遥控器没反应的排查指引", Body: "很多客户反映遥控器没反应", Endorsements: 40, PostedAt: day, Status: "adopted"},
		{ID: "p3", Title: "遥控器", Tags: []string{"remote"}, Endorsements: 99, Status: "rejected"},
		{ID: "p4", Title: "优化排班", Tags: []string{"process"}, Endorsements: 70, PostedAt: day, Status: "open"},
		{ID: "p5", Title: "升级提醒", Topics: []string{"remote", "update-firmware"}, Endorsements: 5, PostedAt: day.Add(time.Hour), Status: "under_review"},
		// names another topic: not matched to remote by its words
		{ID: "p6", Title: "遥控器没反应时先升级", Tags: []string{"update-firmware"}, Endorsements: 90, PostedAt: day, Status: "open"},
		// tagged WiFi by its author; text analytics also read "remote" into it: the tag wins
		{ID: "p7", Title: "WiFi工单拉群跟进", Tags: []string{"network-wifi"}, Topics: []string{"network-wifi", "remote"}, Endorsements: 80, PostedAt: day, Status: "open"},
		// tags name no topic: its text-analytics topic counts
		{ID: "p8", Title: "排队太久", Tags: []string{"process"}, Topics: []string{"wait-time"}, Endorsements: 1, PostedAt: day, Status: "open"},
	}
	kw := map[string][]string{"remote": {"遥控器", "没反应", "升级"}, "wait-time": {"排队", "等待"}}
	by, used := MatchSuggestions(posts, kw, []string{"remote", "wait-time"}, 3)
	// remote: p5 and p1 by topic (equal endorsements: p5 is newer), then p2 by two keywords; p3 is rejected.
	if got := by["remote"]; len(got) != 3 || got[0] != "p5" || got[1] != "p1" || got[2] != "p2" {
		t.Errorf("remote suggestions = %v, want [p5 p1 p2]", got)
	}
	if got := by["wait-time"]; len(got) != 1 || got[0] != "p8" {
		t.Errorf("wait-time suggestions = %v, want [p8]", got)
	}
	if len(used) != 4 || used[2].ID != "p2" || used[2].Match != "keywords" || used[0].Match != "topic" {
		t.Errorf("used = %+v", used)
	}
}
