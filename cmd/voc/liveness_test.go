package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/internal/testevents"
	"github.com/voc-analytics/voc/pipeline"
)

func describeGroup(ctx context.Context, cl *kafkago.Client, group string) (kafkago.DescribeGroupsResponseGroup, error) {
	resp, err := cl.DescribeGroups(ctx, &kafkago.DescribeGroupsRequest{GroupIDs: []string{group}})
	if err != nil {
		return kafkago.DescribeGroupsResponseGroup{}, err
	}
	if len(resp.Groups) != 1 {
		return kafkago.DescribeGroupsResponseGroup{}, fmt.Errorf("%d groups in the answer", len(resp.Groups))
	}
	return resp.Groups[0], resp.Groups[0].Error
}

func groupSummary(g kafkago.DescribeGroupsResponseGroup) string {
	var ms []string
	for _, m := range g.Members {
		n := 0
		for _, tp := range m.MemberAssignments.Topics {
			n += len(tp.Partitions)
		}
		ms = append(ms, fmt.Sprintf("%s holds %d", m.ClientID, n))
	}
	slices.Sort(ms)
	return g.GroupState + " [" + strings.Join(ms, "; ") + "]"
}

// runClientPID is the process ID in a voc run consumer's client ID
// ("voc-run@HOST/PID-RANDOM", see pipeline/kafka.DefaultClientID).
func runClientPID(clientID string) int {
	_, rest, ok := strings.Cut(clientID, "/")
	if !ok {
		return -1
	}
	pid, _, _ := strings.Cut(rest, "-")
	n, err := strconv.Atoi(pid)
	if err != nil {
		return -1
	}
	return n
}

// TestKill9DuringGroupJoinHeals reproduces issue 16 against the embedded
// broker: one `voc run` consumes; in each round a second `voc run` starts
// and is SIGKILLed while its JoinGroup is parked in the broker (the group is
// rebalancing with both as members), then more events are produced on every
// partition. Every round must end with everything in ClickHouse and the live
// process owning every partition: the dead member is out within session +
// rebalance timeout. Before kafkalocal expired such members, a dead member
// not elected leader stayed in the Stable group for ever with its share of
// the partitions, and the round never completed.
func TestKill9DuringGroupJoinHeals(t *testing.T) {
	db := testenv.NewDB(t)
	broker := testenv.Kafka(t, 4)
	const rounds = 3
	s := testevents.Build(400)
	msgs := testevents.Messages(s.Events)
	chunk := len(msgs)/(rounds+1) + 1
	var chunks [][]kafkago.Message
	for c := range slices.Chunk(msgs, chunk) {
		chunks = append(chunks, c)
	}
	tr := &kafkago.Transport{}
	defer tr.CloseIdleConnections()
	cl := &kafkago.Client{Addr: kafkago.TCP(broker.Addr), Transport: tr, Timeout: 10 * time.Second}
	ctx := context.Background()
	logPath := filepath.Join(t.TempDir(), "run.log")
	logTail := func() string { b, _ := os.ReadFile(logPath); return tail(b, 3000) }

	produce(t, broker.Addr, chunks[0])
	produced := uint64(len(chunks[0]))
	live := startRun(t, db, broker.Addr, logPath)
	waitProgress(t, db, logPath, produced, 2*time.Minute, "the first voc run")
	totalPartitions := 4 * len(pipeline.InputTopics)

	hits := 0
	for round := 1; round <= rounds; round++ {
		joiner := startRun(t, db, broker.Addr, logPath)
		// Wait for the joiner's JoinGroup: the group rebalances with two
		// members until the live one rejoins (up to a heartbeat, 1 s).
		var g kafkago.DescribeGroupsResponseGroup
		var err error
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
			g, err = describeGroup(ctx, cl, "voc")
			if err == nil && len(g.Members) == 2 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("round %d: the second voc run never joined: %s (%v)\n%s", round, groupSummary(g), err, logTail())
			}
		}
		joinState := g.GroupState
		joiner.Process.Signal(syscall.SIGKILL)
		joiner.Wait()
		killed := time.Now()

		// Did the rebalance complete with the dead member holding
		// partitions (the case that never healed)?
		heldByDead := false
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if g, err = describeGroup(ctx, cl, "voc"); err == nil && g.GroupState == "Stable" {
				for _, m := range g.Members {
					if runClientPID(m.ClientID) == joiner.Process.Pid && len(m.MemberAssignments.Topics) > 0 {
						heldByDead = true
					}
				}
				break
			}
		}
		if heldByDead {
			hits++
		}

		produce(t, broker.Addr, chunks[round])
		produced += uint64(len(chunks[round]))
		waitProgressOr(t, db, logPath, produced, 90*time.Second, fmt.Sprintf("round %d, the live voc run", round), func() string {
			g, err := describeGroup(ctx, cl, "voc")
			return fmt.Sprintf("group voc: %s (%v); the killed joiner was pid %d", groupSummary(g), err, joiner.Process.Pid)
		})
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
			g, err = describeGroup(ctx, cl, "voc")
			if err == nil && g.GroupState == "Stable" && len(g.Members) == 1 && runClientPID(g.Members[0].ClientID) == live.Process.Pid {
				n := 0
				for _, tp := range g.Members[0].MemberAssignments.Topics {
					n += len(tp.Partitions)
				}
				if n == totalPartitions {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("round %d: the group never came back to the live voc run alone with all %d partitions: %s (%v)", round, totalPartitions, groupSummary(g), err)
			}
		}
		t.Logf("round %d: killed while the group was %s; the dead member then held partitions in a Stable group: %v; all events in and the live voc run owns every partition %s after the kill",
			round, joinState, heldByDead, time.Since(killed).Round(100*time.Millisecond))
	}
	t.Logf("%d of %d kills left a dead member holding partitions, each healed", hits, rounds)
	live.Process.Signal(syscall.SIGTERM)
	if err := live.Wait(); err != nil {
		t.Fatalf("voc run after SIGTERM: %v", err)
	}
	checkViewsExact(t, db, s)
}

// holdPartitions joins group as a consumer that takes its share of the
// partitions and never reads or commits them: a hung consumer elsewhere.
func holdPartitions(t *testing.T, addr, group, clientID string) (stop func()) {
	t.Helper()
	cg, err := kafkago.NewConsumerGroup(kafkago.ConsumerGroupConfig{
		ID: group, Brokers: []string{addr}, Topics: pipeline.InputTopics,
		Dialer:            &kafkago.Dialer{ClientID: clientID, Timeout: 10 * time.Second},
		HeartbeatInterval: time.Second, SessionTimeout: 10 * time.Second, RebalanceTimeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			if _, err := cg.Next(ctx); err != nil { // rejoin after each rebalance; never commit
				return
			}
		}
	}()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); cg.Close(); wg.Wait() }) }
	t.Cleanup(stop)
	return stop
}

// TestRunReadyzReportsAGroupStall runs voc run as an operator would and
// provokes a stall: another member of the group holds partitions and never
// commits. /readyz must answer 503 naming the partitions and the member,
// /metrics must show the group-wide lag, and both must recover once the
// member is gone and voc run takes the partitions over.
func TestRunReadyzReportsAGroupStall(t *testing.T) {
	db := testenv.NewDB(t)
	broker := testenv.Kafka(t, 4)
	s := testevents.Build(200)
	msgs := testevents.Messages(s.Events)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	groupLines := func(metrics string) string {
		var out []string
		for _, line := range strings.Split(metrics, "\n") {
			if strings.HasPrefix(line, "voc_group_") {
				out = append(out, line)
			}
		}
		return strings.Join(out, "\n")
	}

	stopHolder := holdPartitions(t, broker.Addr, "voc", "hung-consumer")
	logPath := filepath.Join(t.TempDir(), "run.log")
	t.Setenv("VOC_LOG_LEVEL", "debug") // every look at the group is logged, kept if the test fails
	cmd := startRun(t, db, broker.Addr, logPath, "--http-addr", addr, "--stall-after", "10s", "--group-interval", "500ms")
	logs := func() string { b, _ := os.ReadFile(logPath); return string(b) }
	produce(t, broker.Addr, msgs)

	var code int
	var body, metrics string
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		if code, body = get("/readyz"); code == http.StatusServiceUnavailable && strings.Contains(body, "consumer group voc") {
			_, metrics = get("/metrics")
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz never reported the stall: %d %s\n%s", code, body, tail([]byte(logs()), 3000))
		}
	}
	t.Logf("during the stall: GET /readyz = %d\n%s\n/metrics (voc_group_*):\n%s", code, body, groupLines(metrics))
	for _, want := range []string{"held by member hung-consumer-", "(client hung-consumer, host 127.0.0.1:", "have not moved for over 10s"} {
		if !strings.Contains(body, want) {
			t.Errorf("/readyz body lacks %q", want)
		}
	}
	for _, want := range []string{`voc_group_lag{partition="0",topic="voc.chats"}`, `voc_group_stalled_partitions `, `voc_group_partitions_held{client_id="hung-consumer"`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(metrics, "voc_group_lagging_partitions_not_owned 0\n") || strings.Contains(metrics, "voc_group_stalled_partitions 0\n") {
		t.Errorf("during the stall, lagging partitions not owned and stalled partitions must be > 0:\n%s", groupLines(metrics))
	}
	if !strings.Contains(logs(), `"msg":"consumer group partitions with lag have not moved for longer than the stall time"`) || !strings.Contains(logs(), `"client_id":"hung-consumer"`) {
		t.Errorf("no stall log line naming the member:\n%s", tail([]byte(logs()), 3000))
	}

	// Heal: the hung consumer leaves, voc run takes every partition over.
	stopHolder()
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		code, body = get("/readyz")
		_, metrics = get("/metrics")
		lagLeft := false
		for _, line := range strings.Split(groupLines(metrics), "\n") {
			lagLeft = lagLeft || strings.HasPrefix(line, "voc_group_lag{") && !strings.HasSuffix(line, " 0")
		}
		if code == http.StatusOK && !lagLeft && strings.Contains(metrics, "voc_group_stalled_partitions 0\n") && strings.Contains(metrics, "voc_group_lagging_partitions_not_owned 0\n") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("never ready again: %d %s\n%s", code, body, groupLines(metrics))
		}
	}
	t.Logf("after it heals: GET /readyz = %d\n%s\n/metrics (voc_group_*):\n%s", code, body, groupLines(metrics))
	// No lag anywhere means every offset is committed, and voc run commits
	// only what is written: ClickHouse must hold every event already.
	if final, _ := finalTotal(t, db); final != uint64(len(msgs)) {
		t.Errorf("the monitor says the group has no lag, but ClickHouse holds %d of %d events", final, len(msgs))
	}
	if !strings.Contains(metrics, `this_process="true"} 16`) {
		t.Errorf("after healing voc run must hold all 16 partitions:\n%s", groupLines(metrics))
	}
	if !strings.Contains(logs(), `"msg":"consumer group partitions are moving again; ready"`) {
		t.Errorf("no log line for the end of the stall")
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("voc run after SIGTERM: %v", err)
	}
	checkViewsExact(t, db, s)
}
