package dashboards

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/voc-analytics/voc/internal/testenv"
)

// BenchmarkPanelQueries times every panel's Grafana queries, expanded for
// the whole generated range, on demo-sized history (voc demo's 14 days x
// 5,000 contacts a day; VOC_BENCH_CONTACTS_PER_DAY changes the size). One
// op runs all of a panel's targets in turn, as Grafana would on a refresh.
//
//	go test ./dashboards -run '^$' -bench PanelQueries -benchtime 5x
func BenchmarkPanelQueries(b *testing.B) {
	perDay := 5000
	if v, err := strconv.Atoi(os.Getenv("VOC_BENCH_CONTACTS_PER_DAY")); err == nil && v > 0 {
		perDay = v
	}
	db := testenv.NewDB(b)
	sum := loadGenerated(b, db, perDay)
	b.Logf("history: %d contacts, %d tickets, %d surveys answered, %d posts", sum.Contacts, sum.Tickets, sum.SurveysAnswered, sum.Posts)
	ctx := context.Background()
	for _, d := range All() {
		for _, p := range d.Panels {
			if p.PromQL != "" {
				continue
			}
			pq, err := panelQueries(p)
			if err != nil {
				b.Fatal(err)
			}
			var sqls []string
			for _, t := range pq.targets {
				sql, err := Expand(t.sql, MacroEnv{From: demoStart, To: demoEnd, Interval: p.Bucket})
				if err != nil {
					b.Fatal(err)
				}
				sqls = append(sqls, sql)
			}
			b.Run(d.UID+"/"+strconv.Itoa(p.ID)+"/"+p.Title, func(b *testing.B) {
				for range b.N {
					for _, sql := range sqls {
						if _, _, err := runTarget(ctx, db.Conn, sql); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		}
	}
}
