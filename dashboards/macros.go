package dashboards

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// MacroEnv is what Grafana substitutes into a panel's SQL: the dashboard's
// time range, the panel's interval and the template variables' values.
type MacroEnv struct {
	From, To time.Time
	// Interval is $__interval; zero means (To-From)/1000, at least a second
	// (Grafana derives it from the range and the panel's width).
	Interval time.Duration
	// Vars holds each template variable's chosen values; a missing or empty
	// entry means "All".
	Vars map[string][]string
}

// Expand replaces the macros and template variables in sql the way Grafana
// and grafana-clickhouse-datasource v4 do, so that a panel's SQL can run on
// ClickHouse outside Grafana (tests, benchmarks, debugging):
//
//  1. $__conditionalAll(cond, $var) becomes 1=1 when var is All, else cond
//     (the plugin's frontend does this first);
//  2. ${var:singlequote}, ${var:csv}, ${var} and $var become the values
//     (Grafana's template service);
//  3. the backend macros $__timeFilter(col), $__timeFilter_ms(col),
//     $__dateFilter(col), $__fromTime, $__toTime, $__fromTime_ms,
//     $__toTime_ms, $__timeInterval(col), $__timeInterval_ms(col),
//     $__interval_s (the plugin's pkg/macros).
//
// A macro it does not know, a wrong argument count or a variable used
// outside $__conditionalAll while All is selected is an error.
func Expand(sql string, env MacroEnv) (string, error) {
	out, err := expandConditionalAll(sql, env.Vars)
	if err != nil {
		return "", err
	}
	if out, err = expandVariables(out, env.Vars); err != nil {
		return "", err
	}
	return expandBackendMacros(out, env)
}

// expandConditionalAll works from the last occurrence to the first, as the
// plugin does, so nested uses expand inside out.
func expandConditionalAll(sql string, vars map[string][]string) (string, error) {
	const macro = "$__conditionalAll("
	for {
		i := strings.LastIndex(sql, macro)
		if i < 0 {
			return sql, nil
		}
		args, end, err := macroArgs(sql, i+len(macro)-1)
		if err != nil {
			return "", fmt.Errorf("$__conditionalAll at offset %d: %w", i, err)
		}
		if len(args) != 2 {
			return "", fmt.Errorf("$__conditionalAll at offset %d: want 2 arguments (condition, $variable), got %d", i, len(args))
		}
		name := strings.TrimPrefix(strings.TrimSpace(args[1]), "$")
		name = strings.TrimSuffix(strings.TrimPrefix(name, "{"), "}")
		phrase := args[0]
		if len(vars[name]) == 0 {
			phrase = "1=1"
		}
		sql = sql[:i] + phrase + sql[end:]
	}
}

// macroArgs parses the comma-separated arguments of a macro call whose
// opening parenthesis is at open, honouring nested parentheses and quoted
// strings. It returns the arguments and the offset just past ')'.
func macroArgs(sql string, open int) ([]string, int, error) {
	depth := 0
	var quote byte
	start := open + 1
	var args []string
	for i := open; i < len(sql); i++ {
		c := sql[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				args = append(args, strings.TrimSpace(sql[start:i]))
				return args, i + 1, nil
			}
		case c == ',' && depth == 1:
			args = append(args, strings.TrimSpace(sql[start:i]))
			start = i + 1
		}
	}
	return nil, 0, fmt.Errorf("unbalanced parentheses")
}

var variableRe = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+))?\}|\$([A-Za-z_][A-Za-z0-9_]*)`)

func expandVariables(sql string, vars map[string][]string) (string, error) {
	var err error
	out := variableRe.ReplaceAllStringFunc(sql, func(m string) string {
		sub := variableRe.FindStringSubmatch(m)
		name, format := sub[1], sub[2]
		if name == "" {
			name = sub[3]
		}
		if strings.HasPrefix(name, "__") {
			return m // a macro, not a variable
		}
		vals, ok := vars[name]
		if !ok || len(vals) == 0 {
			if err == nil {
				err = fmt.Errorf("template variable $%s is used outside $__conditionalAll but has no value (All): give it values", name)
			}
			return m
		}
		switch format {
		case "singlequote":
			q := make([]string, len(vals))
			for i, v := range vals {
				q[i] = "'" + strings.ReplaceAll(v, "'", `\'`) + "'"
			}
			return strings.Join(q, ",")
		case "", "csv", "raw":
			return strings.Join(vals, ",")
		default:
			if err == nil {
				err = fmt.Errorf("template variable ${%s:%s}: format %q is not supported here", name, format, format)
			}
			return m
		}
	})
	return out, err
}

var backendMacroRe = regexp.MustCompile(`\$__([A-Za-z_]+)`)

func expandBackendMacros(sql string, env MacroEnv) (string, error) {
	interval := env.Interval
	if interval <= 0 {
		interval = env.To.Sub(env.From) / 1000
	}
	seconds := max(int64(interval/time.Second), 1)
	millis := max(interval.Milliseconds(), 1)
	dt := func(t time.Time) string { return fmt.Sprintf("toDateTime(%d)", t.Unix()) }
	dt64 := func(t time.Time) string { return fmt.Sprintf("fromUnixTimestamp64Milli(%d)", t.UnixMilli()) }
	date := func(t time.Time) string { return "toDate('" + t.UTC().Format("2006-01-02") + "')" }

	var b strings.Builder
	rest := sql
	for {
		loc := backendMacroRe.FindStringSubmatchIndex(rest)
		if loc == nil {
			b.WriteString(rest)
			return b.String(), nil
		}
		b.WriteString(rest[:loc[0]])
		name := rest[loc[2]:loc[3]]
		after := loc[1]
		var args []string
		if after < len(rest) && rest[after] == '(' {
			a, end, err := macroArgs(rest, after)
			if err != nil {
				return "", fmt.Errorf("$__%s: %w", name, err)
			}
			args, after = a, end
		}
		one := func() (string, error) {
			if len(args) != 1 {
				return "", fmt.Errorf("$__%s: want 1 argument, got %d", name, len(args))
			}
			return args[0], nil
		}
		var repl string
		switch name {
		case "fromTime":
			repl = dt(env.From)
		case "toTime":
			repl = dt(env.To)
		case "fromTime_ms":
			repl = dt64(env.From)
		case "toTime_ms":
			repl = dt64(env.To)
		case "interval_s":
			repl = fmt.Sprint(seconds)
		case "timeFilter", "timeFilter_ms", "dateFilter", "timeInterval", "timeInterval_ms":
			col, err := one()
			if err != nil {
				return "", err
			}
			switch name {
			case "timeFilter":
				repl = fmt.Sprintf("%s >= %s AND %s <= %s", col, dt(env.From), col, dt(env.To))
			case "timeFilter_ms":
				repl = fmt.Sprintf("%s >= %s AND %s <= %s", col, dt64(env.From), col, dt64(env.To))
			case "dateFilter":
				repl = fmt.Sprintf("%s >= %s AND %s <= %s", col, date(env.From), col, date(env.To))
			case "timeInterval":
				repl = fmt.Sprintf("toStartOfInterval(toDateTime(%s), INTERVAL %d second)", col, seconds)
			case "timeInterval_ms":
				repl = fmt.Sprintf("toStartOfInterval(toDateTime64(%s, 3), INTERVAL %d millisecond)", col, millis)
			}
		default:
			return "", fmt.Errorf("unknown macro $__%s", name)
		}
		b.WriteString(repl)
		rest = rest[after:]
	}
}
