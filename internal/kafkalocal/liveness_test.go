package kafkalocal

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
	"go.uber.org/goleak"
)

// rawClient speaks the Kafka protocol on one connection with no logic of its
// own, so a test can stop a member at an exact point of the group protocol,
// as kill -9 does.
type rawClient struct {
	conn net.Conn
	corr int32
	f    *kmsg.RequestFormatter
}

func dialRaw(t *testing.T, addr, clientID string) *rawClient {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return &rawClient{conn: c, f: kmsg.NewRequestFormatter(kmsg.FormatterClientID(clientID))}
}

func (r *rawClient) send(req kmsg.Request) error {
	r.corr++
	_, err := r.conn.Write(r.f.AppendRequest(nil, req, r.corr))
	return err
}

// recv reads one response; resp must have the request's version set.
func (r *rawClient) recv(resp kmsg.Response) error {
	r.conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	var size [4]byte
	if _, err := io.ReadFull(r.conn, size[:]); err != nil {
		return err
	}
	body := make([]byte, binary.BigEndian.Uint32(size[:]))
	if _, err := io.ReadFull(r.conn, body); err != nil {
		return err
	}
	if corr := int32(binary.BigEndian.Uint32(body)); corr != r.corr {
		return fmt.Errorf("correlation %d, want %d", corr, r.corr)
	}
	body = body[4:]
	if resp.IsFlexible() {
		body = body[1:] // empty tagged fields of the response header
	}
	return resp.ReadFrom(body)
}

func joinRequest(group, memberID string, topics ...string) *kmsg.JoinGroupRequest {
	meta := kmsg.ConsumerMemberMetadata{Version: 0, Topics: topics}
	req := kmsg.NewPtrJoinGroupRequest()
	req.Version = 5
	req.Group = group
	req.SessionTimeoutMillis = 10000
	req.RebalanceTimeoutMillis = 10000
	req.MemberID = memberID
	req.ProtocolType = "consumer"
	req.Protocols = []kmsg.JoinGroupRequestProtocol{{Name: "range", Metadata: meta.AppendTo(nil)}}
	return req
}

func describe(ctx context.Context, cl *kafka.Client, group string) (kafka.DescribeGroupsResponseGroup, error) {
	resp, err := cl.DescribeGroups(ctx, &kafka.DescribeGroupsRequest{GroupIDs: []string{group}})
	if err != nil {
		return kafka.DescribeGroupsResponseGroup{}, err
	}
	if len(resp.Groups) != 1 {
		return kafka.DescribeGroupsResponseGroup{}, fmt.Errorf("%d groups in answer", len(resp.Groups))
	}
	return resp.Groups[0], resp.Groups[0].Error
}

func assigned(m kafka.DescribeGroupsResponseMember) []int {
	var ps []int
	for _, t := range m.MemberAssignments.Topics {
		ps = append(ps, t.Partitions...)
	}
	slices.Sort(ps)
	return ps
}

// TestMemberKilledDuringJoinLeavesTheGroup reproduces a member that dies
// while its JoinGroup is parked in the broker (kill -9 of `voc run` while it
// joins): a live consumer (kafka-go, configured as voc run configures it)
// holds the group, more members join and their connections close before
// the rebalance completes. kfake then often never starts such a member's
// session timer, and the live member, still leader, syncs the group, which
// cancels the pending-sync timer as well (sessions.go has the details).
// Without the broker's own sweep a dead member stays in a Stable group for
// ever, holding its share of the partitions. With it, dead members are out
// within its session timeout plus the rebalance timeout (10 s + 10 s, as
// with voc run), and the live member owns every partition.
func TestMemberKilledDuringJoinLeavesTheGroup(t *testing.T) {
	for _, tc := range []struct {
		name string
		// joinVersion 2 is kafka-go's: the first JoinGroup, without a
		// member ID, creates the member and parks. From version 4 on
		// (franz-go, librdkafka) the broker first answers
		// MEMBER_ID_REQUIRED and the second JoinGroup parks.
		joinVersion int16
	}{
		{"first join parks (v2, kafka-go)", 2},
		{"join with assigned member ID parks (v5)", 5},
	} {
		t.Run(tc.name, func(t *testing.T) { testKilledDuringJoin(t, tc.joinVersion) })
	}
}

func testKilledDuringJoin(t *testing.T, joinVersion int16) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	const group, topic = "g", "voc.chats"
	var logs bytes.Buffer
	var logMu sync.Mutex
	b, err := Start(Config{Partitions: 4, Topics: []string{topic}, Log: slog.New(slog.NewJSONHandler(writerFunc(func(p []byte) (int, error) {
		logMu.Lock()
		defer logMu.Unlock()
		return logs.Write(p)
	}), nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	tr := &kafka.Transport{}
	defer tr.CloseIdleConnections()
	cl := &kafka.Client{Addr: kafka.TCP(b.Addr), Transport: tr, Timeout: 10 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	live := kafka.NewReader(kafka.ReaderConfig{
		Brokers: []string{b.Addr}, GroupID: group, GroupTopics: []string{topic}, MaxWait: 250 * time.Millisecond,
		HeartbeatInterval: time.Second, SessionTimeout: 10 * time.Second, RebalanceTimeout: 10 * time.Second,
		JoinGroupBackoff: 500 * time.Millisecond,
	})
	defer live.Close()
	t0, last := time.Now(), ""
	waitGroup := func(what string, deadline time.Duration, ok func(kafka.DescribeGroupsResponseGroup) bool) kafka.DescribeGroupsResponseGroup {
		t.Helper()
		var g kafka.DescribeGroupsResponseGroup
		var err error
		for end := time.Now().Add(deadline); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
			g, err = describe(ctx, cl, group)
			if sum := summary(g); sum != last {
				t.Logf("%5.1fs %s", time.Since(t0).Seconds(), sum)
				last = sum
			}
			if err == nil && ok(g) {
				return g
			}
		}
		t.Fatalf("group never %s within %s: state %q, members %+v (%v)", what, deadline, g.GroupState, g.Members, err)
		return g
	}
	stableAlone := func(g kafka.DescribeGroupsResponseGroup) bool {
		return g.GroupState == "Stable" && len(g.Members) == 1 && slices.Equal(assigned(g.Members[0]), []int{0, 1, 2, 3})
	}
	liveID := waitGroup("stable with the live consumer owning all partitions", time.Minute, stableAlone).Members[0].MemberID

	// Three more members join; each JoinGroup parks until the live member
	// rejoins, and each process dies right after sending it. (kfake loses
	// the session timer of such a member about half of the time, so three
	// make the failure without the sweep near certain: 1 - 1/8.)
	const doomed = 3
	for i := range doomed {
		dead := dialRaw(t, b.Addr, fmt.Sprintf("doomed-%d", i))
		join := joinRequest(group, "", topic)
		join.Version = joinVersion
		if joinVersion >= 4 {
			if err := dead.send(join); err != nil {
				t.Fatal(err)
			}
			resp := join.ResponseKind().(*kmsg.JoinGroupResponse)
			if err := dead.recv(resp); err != nil || resp.ErrorCode != kerr.MemberIDRequired.Code {
				t.Fatalf("first join: %v, error code %d", err, resp.ErrorCode)
			}
			join = joinRequest(group, resp.MemberID, topic)
			join.Version = joinVersion
		}
		if err := dead.send(join); err != nil {
			t.Fatal(err)
		}
		dead.conn.Close()
	}
	killed := time.Now()

	// The rebalance completes with the dead members in it (their JoinGroups
	// were parked) and gives each a partition.
	waitGroup("stable with the dead members holding partitions", 30*time.Second, func(g kafka.DescribeGroupsResponseGroup) bool {
		n := 0
		for _, m := range g.Members {
			if strings.HasPrefix(m.ClientID, "doomed-") && len(assigned(m)) > 0 {
				n++
			}
		}
		return g.GroupState == "Stable" && n == doomed
	})

	// Out within session timeout + rebalance timeout (10 s + 10 s), plus
	// the sweep's period and slack for a loaded machine: the promise of
	// docs/embedded.md. (What the broker controls is the removal; how fast
	// the live client then rejoins is the client's.)
	waitGroup("rid of the dead members", time.Minute, func(g kafka.DescribeGroupsResponseGroup) bool {
		for _, m := range g.Members {
			if strings.HasPrefix(m.ClientID, "doomed-") {
				return false
			}
		}
		return true
	})
	if out := time.Since(killed); out > 30*time.Second {
		t.Errorf("dead members out %s after their connections closed, want within 30 s (session 10 s + rebalance 10 s + sweep)", out.Round(100*time.Millisecond))
	} else {
		t.Logf("dead members out %s after their connections closed", out.Round(100*time.Millisecond))
	}
	g := waitGroup("back to the live consumer alone", time.Minute, stableAlone)
	t.Logf("the live member owns all partitions %s after the kill", time.Since(killed).Round(100*time.Millisecond))
	if g.Members[0].MemberID != liveID {
		// kfake, like Kafka, drops a member that does not rejoin within
		// the rebalance timeout; it then joins as a new member. Not the
		// sweep's doing (checked below), but worth knowing.
		t.Logf("the live consumer rejoined as a new member (%s, was %s)", g.Members[0].MemberID, liveID)
	}
	logMu.Lock()
	defer logMu.Unlock()
	removed := 0
	for _, line := range strings.Split(logs.String(), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil || !strings.HasPrefix(fmt.Sprint(rec["msg"]), "embedded Kafka: removed a group member") {
			continue
		}
		removed++
		if id := fmt.Sprint(rec["client_id"]); !strings.HasPrefix(id, "doomed-") {
			t.Errorf("the sweep removed a live member: %s", line)
		}
	}
	t.Logf("the sweep removed %d member(s); kfake the other %d (session timer, or not rejoining a rebalance)", removed, doomed-removed)
}

func summary(g kafka.DescribeGroupsResponseGroup) string {
	var ms []string
	for _, m := range g.Members {
		ms = append(ms, fmt.Sprintf(" %s%v", m.MemberID[:8], assigned(m)))
	}
	slices.Sort(ms)
	return g.GroupState + strings.Join(ms, "")
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
