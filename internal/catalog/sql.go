package catalog

import (
	"fmt"
	"strings"
)

// LoadSQL returns the statements that (re)load the issue_topics and
// service_categories tables with this catalog. The tables are created by
// migration 0006; a later change to the catalog ships as a new migration
// holding these statements (`go run ./internal/catalog/gensql`), since an
// applied migration never runs again.
func LoadSQL() string {
	var b strings.Builder
	b.WriteString("TRUNCATE TABLE IF EXISTS issue_topics;\n\n")
	b.WriteString("INSERT INTO issue_topics (topic, position, name_zh, name_en) VALUES\n")
	for i, t := range Topics {
		sep := ","
		if i == len(Topics)-1 {
			sep = ";"
		}
		fmt.Fprintf(&b, "    (%s, %d, %s, %s)%s\n", quote(t.ID), i+1, quote(t.Zh), quote(t.En), sep)
	}
	b.WriteString("\nTRUNCATE TABLE IF EXISTS service_categories;\n\n")
	b.WriteString("INSERT INTO service_categories (slug, topic, name_zh, name_en) VALUES\n")
	for i, c := range Categories {
		sep := ","
		if i == len(Categories)-1 {
			sep = ";"
		}
		fmt.Fprintf(&b, "    (%s, %s, %s, %s)%s\n", quote(c.Slug), quote(c.Topic), quote(c.Zh), quote(c.En), sep)
	}
	return b.String()
}

// quote is a ClickHouse string literal.
func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
