package kafkalocal

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Session expiry for classic consumer groups, done beside kfake.
//
// kfake (at the pinned version) can keep a dead member in a group for ever.
// A member created by a JoinGroup that is still parked when the rebalance
// completes has no session timer: kfake arms it only once the JoinGroup
// answer is handed to the connection (group.reply), and when the connection
// is gone that hand-over fails about half of the time (a select between the
// connection's buffered response channel and its closed done channel). The
// pending-sync timer would still remove a member that never sends SyncGroup,
// but the leader's SyncGroup cancels it. So a `voc run` killed while it
// joins, if it is not elected leader, stays a member of a Stable group and
// keeps its share of the partitions, which nobody consumes.
//
// A real Kafka broker arms the session timer of every member when a
// rebalance completes, whether or not the answer reached it, and expires
// such a member itself. Here, control hooks note the last group request of
// each member (JoinGroup, SyncGroup, Heartbeat, OffsetCommit, LeaveGroup)
// and a sweep sends a LeaveGroup on behalf of any member silent for longer
// than its session timeout plus the group's rebalance timeout. A live member
// is never silent that long: it heartbeats within its session timeout, and a
// JoinGroup or SyncGroup it waits on is answered within the rebalance
// timeout. Liveness is judged by requests, not by connections, because
// kafka-go opens a new coordinator connection for every generation: the
// connection a member joined on is closed while the member lives on.
type sessions struct {
	cluster *kfake.Cluster
	client  *kafka.Client
	log     *slog.Logger
	every   time.Duration

	mu     sync.Mutex
	groups map[string]*groupActivity

	stop chan struct{}
	done chan struct{}
}

type groupActivity struct {
	maxSession, maxRebalance time.Duration // largest seen in any JoinGroup of the group
	members                  map[string]*memberActivity
	// kip848: the group speaks the new consumer protocol (KIP-848), whose
	// sessions kfake times on every heartbeat; it is not swept.
	kip848 bool
}

type memberActivity struct {
	last               time.Time
	session, rebalance time.Duration // from its own JoinGroup; 0 if none was seen
}

// Timeouts assumed for a group none of whose JoinGroups was seen (e.g. one
// restored from the data directory and not joined since): Kafka's default
// session timeout and a minute for a rebalance.
const (
	fallbackSession   = 45 * time.Second
	fallbackRebalance = time.Minute
)

// watchSessions installs the hooks on c and starts the sweep. addr is the
// broker's own address, for the LeaveGroup requests.
func watchSessions(c *kfake.Cluster, addr string, log *slog.Logger) *sessions {
	s := &sessions{
		cluster: c,
		client:  &kafka.Client{Addr: kafka.TCP(addr), Timeout: 10 * time.Second, Transport: &kafka.Transport{ClientID: "voc-local-session-sweep"}},
		log:     log,
		every:   time.Second,
		groups:  map[string]*groupActivity{},
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	for _, key := range []kmsg.Key{kmsg.JoinGroup, kmsg.SyncGroup, kmsg.Heartbeat, kmsg.OffsetCommit, kmsg.LeaveGroup, kmsg.ConsumerGroupHeartbeat} {
		c.ControlKey(int16(key), s.observe)
	}
	go s.run()
	return s
}

// observe notes a group request and lets kfake handle it as usual.
func (s *sessions) observe(req kmsg.Request) (kmsg.Response, error, bool) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r := req.(type) {
	case *kmsg.JoinGroupRequest:
		g := s.group(r.Group)
		session, rebalance := time.Duration(r.SessionTimeoutMillis)*time.Millisecond, time.Duration(r.RebalanceTimeoutMillis)*time.Millisecond
		if r.Version == 0 {
			rebalance = session // v0 has no rebalance timeout: Kafka uses the session timeout
		}
		g.maxSession, g.maxRebalance = max(g.maxSession, session), max(g.maxRebalance, rebalance)
		if r.MemberID != "" {
			m := g.member(r.MemberID, now)
			m.last, m.session, m.rebalance = now, session, rebalance
		}
	case *kmsg.SyncGroupRequest:
		s.group(r.Group).member(r.MemberID, now).last = now
	case *kmsg.HeartbeatRequest:
		s.group(r.Group).member(r.MemberID, now).last = now
	case *kmsg.OffsetCommitRequest:
		if r.MemberID != "" { // standalone commits carry no member
			s.group(r.Group).member(r.MemberID, now).last = now
		}
	case *kmsg.ConsumerGroupHeartbeatRequest:
		s.group(r.Group).kip848 = true
	case *kmsg.LeaveGroupRequest:
		g := s.group(r.Group)
		delete(g.members, r.MemberID)
		for _, m := range r.Members {
			delete(g.members, m.MemberID)
		}
	}
	return nil, nil, false
}

func (s *sessions) group(name string) *groupActivity {
	g := s.groups[name]
	if g == nil {
		g = &groupActivity{members: map[string]*memberActivity{}}
		s.groups[name] = g
	}
	return g
}

func (g *groupActivity) member(id string, now time.Time) *memberActivity {
	m := g.members[id]
	if m == nil {
		m = &memberActivity{last: now}
		g.members[id] = m
	}
	return m
}

func (s *sessions) run() {
	defer close(s.done)
	t := time.NewTicker(s.every)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.sweep(time.Now())
		}
	}
}

type expired struct {
	group, member, clientID, clientHost string
	silent, limit                       time.Duration
}

// sweep removes the members silent for longer than their deadline.
func (s *sessions) sweep(now time.Time) {
	s.mu.Lock()
	names := make([]string, 0, len(s.groups))
	for name := range s.groups {
		names = append(names, name)
	}
	s.mu.Unlock()
	for _, name := range names {
		info := s.cluster.GroupInfo(name) // not under s.mu: it waits for kfake's loop
		for _, e := range s.expire(name, info, now) {
			s.leave(e)
		}
	}
}

// expire updates the group's members from kfake's view and returns those
// past their deadline. A member seen for the first time (its JoinGroup
// carried no member ID: kafka-go's first join) counts as active now.
func (s *sessions) expire(name string, info *kfake.GroupInfo, now time.Time) []expired {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[name]
	// A group kfake does not have (yet: the hooks run before kfake handles
	// the request) keeps what its JoinGroups said; groups are few.
	if info == nil || g == nil || g.kip848 {
		return nil
	}
	present := make(map[string]bool, len(info.Members))
	rebalance := time.Duration(0)
	for _, m := range info.Members {
		present[m.MemberID] = true
		rebalance = max(rebalance, g.member(m.MemberID, now).rebalance)
	}
	for id := range g.members {
		if !present[id] {
			delete(g.members, id)
		}
	}
	if rebalance == 0 {
		rebalance = g.maxRebalance
	}
	if rebalance == 0 {
		rebalance = fallbackRebalance
	}
	var out []expired
	for _, m := range info.Members {
		a := g.members[m.MemberID]
		session := a.session
		if session == 0 {
			session = g.maxSession
		}
		if session == 0 {
			session = fallbackSession
		}
		if limit := session + rebalance; now.Sub(a.last) > limit {
			out = append(out, expired{group: name, member: m.MemberID, clientID: m.ClientID, clientHost: m.ClientHost, silent: now.Sub(a.last), limit: limit})
			a.last = now // one LeaveGroup per deadline, not one per sweep
		}
	}
	return out
}

// leave sends the LeaveGroup the dead member can no longer send.
func (s *sessions) leave(e expired) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := s.client.LeaveGroup(ctx, &kafka.LeaveGroupRequest{GroupID: e.group, Members: []kafka.LeaveGroupRequestMember{{ID: e.member}}})
	if err == nil {
		err = resp.Error
		for _, m := range resp.Members {
			if err == nil {
				err = m.Error
			}
		}
	}
	log := s.log.With("group", e.group, "member", e.member, "client_id", e.clientID, "client_host", e.clientHost,
		"silent", e.silent.Round(time.Second), "session_plus_rebalance_timeout", e.limit)
	if err != nil {
		log.Warn("embedded Kafka: could not remove a group member whose session expired; retrying at the next deadline", "err", err)
		return
	}
	log.Warn("embedded Kafka: removed a group member whose session expired (its client is gone); the group rebalances")
}

// close stops the sweep; it must run before the cluster closes, since
// GroupInfo waits for the cluster's loop.
func (s *sessions) close() {
	close(s.stop)
	<-s.done
	if t, ok := s.client.Transport.(*kafka.Transport); ok {
		t.CloseIdleConnections()
	}
}
