package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	kafkago "github.com/segmentio/kafka-go"

	"github.com/voc-analytics/voc/pipeline"
)

// MonitorConfig configures a GroupMonitor.
type MonitorConfig struct {
	Brokers []string
	GroupID string
	Topics  []string // default pipeline.InputTopics
	// ClientID is the Kafka client ID of this process's consumer
	// (Source.ClientID): members with it are "of this process".
	ClientID string
	// Interval between two looks at the group; default 10 s.
	Interval time.Duration
	// StallAfter: a partition with lag whose committed offset has not
	// moved for longer than this is stalled; default 2 min.
	StallAfter time.Duration
}

// Validate reports a configuration error.
func (c MonitorConfig) Validate() error {
	if len(c.Brokers) == 0 || c.GroupID == "" {
		return errors.New("group monitor: brokers and group are required")
	}
	if c.Interval < 0 || c.StallAfter < 0 {
		return fmt.Errorf("group monitor: interval %s and stall time %s must not be negative", c.Interval, c.StallAfter)
	}
	return nil
}

// GroupMonitor watches the consumer group as a whole, not only the
// partitions this process owns: for every partition of the input topics it
// compares the group's committed offset with the partition's end offset,
// finds who holds the partition, and reports partitions with lag that stop
// moving. A dead member holding partitions, a consumer elsewhere that hangs,
// or partitions no member owns all show up here, while the process's own
// consumer looks healthy.
type GroupMonitor struct {
	cfg     MonitorConfig
	client  *kafkago.Client
	log     *slog.Logger
	metrics monitorMetrics

	mu      sync.Mutex
	parts   map[TopicPartition]*partitionState
	stalled error           // the current stall, nil when none
	logged  map[string]bool // holder and partitions of the stall lines logged, to log changes only
	lastErr time.Time
}

// TopicPartition names one partition.
type TopicPartition struct {
	Topic     string
	Partition int
}

func (tp TopicPartition) String() string { return tp.Topic + "/" + strconv.Itoa(tp.Partition) }

type partitionState struct {
	committed int64     // -1: the group never committed
	since     time.Time // when it last moved, or last had no lag
}

// Holder is the member a partition is assigned to.
type Holder struct {
	MemberID, ClientID, ClientHost string
	ThisProcess                    bool
}

func (h Holder) String() string {
	if h.MemberID == "" {
		return "no member"
	}
	s := fmt.Sprintf("member %s (client %s, host %s)", h.MemberID, h.ClientID, h.ClientHost)
	if h.ThisProcess {
		s += " of this process"
	}
	return s
}

// PartitionLag is one partition as the group sees it.
type PartitionLag struct {
	TopicPartition
	End, Committed int64 // Committed is -1 when the group never committed
	Lag            int64
	Holder         Holder
	StalledFor     time.Duration // > 0 when stalled
}

// GroupStatus is one look at the group.
type GroupStatus struct {
	State      string
	Members    int
	Partitions []PartitionLag // sorted by topic, partition
}

type monitorMetrics struct {
	lag, holders   *prometheus.GaugeVec
	unowned        prometheus.Gauge
	stalled        prometheus.Gauge
	members        prometheus.Gauge
	pollErrors     prometheus.Counter
	lastPollUnixTS prometheus.Gauge
}

// NewGroupMonitor creates the monitor and registers its metrics with reg
// (may be nil).
func NewGroupMonitor(cfg MonitorConfig, reg prometheus.Registerer, log *slog.Logger) (*GroupMonitor, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(cfg.Topics) == 0 {
		cfg.Topics = pipeline.InputTopics
	}
	if cfg.Interval == 0 {
		cfg.Interval = 10 * time.Second
	}
	if cfg.StallAfter == 0 {
		cfg.StallAfter = 2 * time.Minute
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &GroupMonitor{
		cfg:    cfg,
		client: &kafkago.Client{Addr: kafkago.TCP(cfg.Brokers...), Timeout: 10 * time.Second, Transport: &kafkago.Transport{ClientID: cfg.ClientID + "-monitor"}},
		log:    log.With("group", cfg.GroupID),
		parts:  map[TopicPartition]*partitionState{},
		metrics: monitorMetrics{
			lag: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "voc_group_lag",
				Help: "Messages between the consumer group's committed offset and the partition's end offset, for every partition of the input topics (whoever owns it)."}, []string{"topic", "partition"}),
			holders: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "voc_group_partitions_held",
				Help: "Partitions of the input topics assigned to each member of the consumer group (this_process: member of this process)."}, []string{"member", "client_id", "this_process"}),
			unowned: prometheus.NewGauge(prometheus.GaugeOpts{Name: "voc_group_lagging_partitions_not_owned",
				Help: "Partitions with lag that no consumer of this process owns (another member holds them, or nobody)."}),
			stalled: prometheus.NewGauge(prometheus.GaugeOpts{Name: "voc_group_stalled_partitions",
				Help: "Partitions with lag whose committed offset has not moved for longer than the stall time; /readyz fails while > 0."}),
			members:        prometheus.NewGauge(prometheus.GaugeOpts{Name: "voc_group_members", Help: "Members of the consumer group."}),
			pollErrors:     prometheus.NewCounter(prometheus.CounterOpts{Name: "voc_group_poll_errors_total", Help: "Failed looks at the consumer group (offsets, members)."}),
			lastPollUnixTS: prometheus.NewGauge(prometheus.GaugeOpts{Name: "voc_group_last_poll_timestamp_seconds", Help: "Unix time of the last successful look at the consumer group."}),
		},
	}
	if reg != nil {
		mm := m.metrics
		reg.MustRegister(mm.lag, mm.holders, mm.unowned, mm.stalled, mm.members, mm.pollErrors, mm.lastPollUnixTS)
	}
	return m, nil
}

// Run looks at the group every Interval until ctx ends.
func (m *GroupMonitor) Run(ctx context.Context) {
	t := time.NewTicker(m.cfg.Interval)
	defer t.Stop()
	for {
		if _, err := m.Poll(ctx); err != nil && ctx.Err() == nil {
			m.metrics.pollErrors.Inc()
			if time.Since(m.lastErr) > time.Minute { // a broker outage is the runner's to report; say it once a minute
				m.lastErr = time.Now()
				m.log.Warn("cannot look at the consumer group; group lag and stall detection are stale", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Ready returns nil, or the current stall: which partitions, for how long,
// held by whom. A monitor that cannot reach the broker keeps its last view.
func (m *GroupMonitor) Ready(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.stalled
}

// Close releases the monitor's connections.
func (m *GroupMonitor) Close() error {
	if t, ok := m.client.Transport.(*kafkago.Transport); ok {
		t.CloseIdleConnections()
	}
	return nil
}

// Poll looks at the group once, updates the metrics, the stall state and
// the log, and returns what it saw.
func (m *GroupMonitor) Poll(ctx context.Context) (GroupStatus, error) {
	st, err := m.look(ctx)
	if err != nil {
		return st, err
	}
	now := time.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.metrics.lastPollUnixTS.Set(float64(now.Unix()))
	m.metrics.members.Set(float64(st.Members))
	seen := map[TopicPartition]bool{}
	unowned := 0
	var stalled []PartitionLag
	for i := range st.Partitions {
		p := &st.Partitions[i]
		seen[p.TopicPartition] = true
		ps := m.parts[p.TopicPartition]
		if ps == nil || ps.committed != p.Committed || p.Lag == 0 {
			ps = &partitionState{committed: p.Committed, since: now}
			m.parts[p.TopicPartition] = ps
		}
		m.metrics.lag.WithLabelValues(p.Topic, strconv.Itoa(p.Partition)).Set(float64(p.Lag))
		if p.Lag > 0 && !p.Holder.ThisProcess {
			unowned++
		}
		if d := now.Sub(ps.since); p.Lag > 0 && d > m.cfg.StallAfter {
			p.StalledFor = d
			stalled = append(stalled, *p)
		}
	}
	for tp := range m.parts {
		if !seen[tp] { // partition gone (topic deleted)
			delete(m.parts, tp)
			m.metrics.lag.DeleteLabelValues(tp.Topic, strconv.Itoa(tp.Partition))
		}
	}
	m.metrics.unowned.Set(float64(unowned))
	m.metrics.stalled.Set(float64(len(stalled)))
	m.setHolders(st)
	m.report(st, stalled)
	if m.log.Enabled(ctx, slog.LevelDebug) {
		var b strings.Builder
		for _, p := range st.Partitions {
			fmt.Fprintf(&b, "%s end=%d committed=%d holder=%s; ", p.TopicPartition, p.End, p.Committed, p.Holder.MemberID)
		}
		m.log.Debug("looked at the consumer group", "group_state", st.State, "members", st.Members, "partitions", b.String())
	}
	return st, nil
}

func (m *GroupMonitor) setHolders(st GroupStatus) {
	type key struct{ member, client, this string }
	n := map[key]int{}
	for _, p := range st.Partitions {
		if p.Holder.MemberID != "" {
			n[key{p.Holder.MemberID, p.Holder.ClientID, strconv.FormatBool(p.Holder.ThisProcess)}]++
		}
	}
	m.metrics.holders.Reset()
	for k, v := range n {
		m.metrics.holders.WithLabelValues(k.member, k.client, k.this).Set(float64(v))
	}
}

// report sets the readiness error and logs a stall when it starts, when its
// partitions or holders change, and when it ends.
func (m *GroupMonitor) report(st GroupStatus, stalled []PartitionLag) {
	if len(stalled) == 0 {
		if m.stalled != nil {
			m.log.Info("consumer group partitions are moving again; ready", "group_state", st.State, "members", st.Members)
		}
		m.stalled, m.logged = nil, nil
		return
	}
	byHolder := map[Holder][]PartitionLag{}
	var holders []Holder
	for _, p := range stalled {
		if _, ok := byHolder[p.Holder]; !ok {
			holders = append(holders, p.Holder)
		}
		byHolder[p.Holder] = append(byHolder[p.Holder], p)
	}
	var reasons []string
	logged := map[string]bool{}
	for _, h := range holders {
		ps := byHolder[h]
		names := make([]string, len(ps))
		var lag int64
		var longest time.Duration
		for i, p := range ps {
			names[i] = p.TopicPartition.String()
			lag += p.Lag
			longest = max(longest, p.StalledFor)
		}
		reasons = append(reasons, fmt.Sprintf("%s held by %s", strings.Join(names, ","), h))
		line := fmt.Sprintf("%s=%v", h, names)
		logged[line] = true
		if !m.logged[line] {
			m.log.Warn("consumer group partitions with lag have not moved for longer than the stall time",
				"partitions", strings.Join(names, ","), "lag", lag, "stalled_for", longest.Round(time.Second), "stall_after", m.cfg.StallAfter,
				"member", h.MemberID, "client_id", h.ClientID, "client_host", h.ClientHost, "this_process", h.ThisProcess,
				"group_state", st.State, "members", st.Members)
		}
	}
	m.logged = logged
	m.stalled = fmt.Errorf("consumer group %s: %d partition(s) with lag have not moved for over %s: %s",
		m.cfg.GroupID, len(stalled), m.cfg.StallAfter, strings.Join(reasons, "; "))
}

// look reads the partitions, their end offsets, the group's commits and its
// members' assignments.
func (m *GroupMonitor) look(ctx context.Context) (GroupStatus, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	meta, err := m.client.Metadata(ctx, &kafkago.MetadataRequest{Topics: m.cfg.Topics})
	if err != nil {
		return GroupStatus{}, fmt.Errorf("metadata of %v: %w", m.cfg.Topics, err)
	}
	parts := map[string][]int{}
	for _, t := range meta.Topics {
		if t.Error != nil {
			return GroupStatus{}, fmt.Errorf("metadata of topic %s: %w", t.Name, t.Error)
		}
		for _, p := range t.Partitions {
			parts[t.Name] = append(parts[t.Name], p.ID)
		}
	}
	ends, err := m.offsets(ctx, parts, kafkago.LastOffset)
	if err != nil {
		return GroupStatus{}, err
	}
	starts, err := m.offsets(ctx, parts, kafkago.FirstOffset)
	if err != nil {
		return GroupStatus{}, err
	}
	fetched, err := m.client.OffsetFetch(ctx, &kafkago.OffsetFetchRequest{GroupID: m.cfg.GroupID, Topics: parts})
	if err == nil {
		err = fetched.Error
	}
	// A group that does not exist (yet) has committed nothing: its lag is
	// the whole partition (kfake answers GROUP_ID_NOT_FOUND, Kafka -1s).
	if err != nil && !errors.Is(err, kafkago.GroupIdNotFound) {
		return GroupStatus{}, fmt.Errorf("committed offsets of group %s: %w", m.cfg.GroupID, err)
	}
	committed := map[TopicPartition]int64{}
	for topic, ps := range fetched.Topics {
		for _, p := range ps {
			if errors.Is(p.Error, kafkago.GroupIdNotFound) {
				continue
			}
			if p.Error != nil {
				return GroupStatus{}, fmt.Errorf("committed offset of group %s on %s/%d: %w", m.cfg.GroupID, topic, p.Partition, p.Error)
			}
			committed[TopicPartition{topic, p.Partition}] = p.CommittedOffset
		}
	}
	desc, err := m.client.DescribeGroups(ctx, &kafkago.DescribeGroupsRequest{GroupIDs: []string{m.cfg.GroupID}})
	if err != nil {
		return GroupStatus{}, fmt.Errorf("describe group %s: %w", m.cfg.GroupID, err)
	}
	var st GroupStatus
	holders := map[TopicPartition]Holder{}
	for _, g := range desc.Groups {
		if errors.Is(g.Error, kafkago.GroupIdNotFound) {
			st.State = "Dead"
			continue
		}
		if g.Error != nil {
			return GroupStatus{}, fmt.Errorf("describe group %s: %w", m.cfg.GroupID, g.Error)
		}
		st.State, st.Members = g.GroupState, len(g.Members)
		for _, mem := range g.Members {
			h := Holder{MemberID: mem.MemberID, ClientID: mem.ClientID, ClientHost: mem.ClientHost, ThisProcess: mem.ClientID == m.cfg.ClientID}
			for _, t := range mem.MemberAssignments.Topics {
				for _, p := range t.Partitions {
					holders[TopicPartition{t.Topic, p}] = h
				}
			}
		}
	}
	for topic, ps := range parts {
		for _, p := range ps {
			tp := TopicPartition{topic, p}
			end := ends[tp]
			c, ok := committed[tp]
			if !ok || c < 0 {
				c = -1
			}
			from := c
			if from < 0 {
				from = starts[tp] // never committed: a new group reads from the start
			}
			st.Partitions = append(st.Partitions, PartitionLag{TopicPartition: tp, End: end, Committed: c, Lag: max(end-from, 0), Holder: holders[tp]})
		}
	}
	slices.SortFunc(st.Partitions, func(a, b PartitionLag) int {
		if c := strings.Compare(a.Topic, b.Topic); c != 0 {
			return c
		}
		return a.Partition - b.Partition
	})
	return st, nil
}

// offsets lists one offset (kafkago.FirstOffset or LastOffset) of every
// partition; one request per kind, since a request may name a partition once.
func (m *GroupMonitor) offsets(ctx context.Context, parts map[string][]int, which int64) (map[TopicPartition]int64, error) {
	req := &kafkago.ListOffsetsRequest{Topics: map[string][]kafkago.OffsetRequest{}}
	for topic, ps := range parts {
		for _, p := range ps {
			req.Topics[topic] = append(req.Topics[topic], kafkago.OffsetRequest{Partition: p, Timestamp: which})
		}
	}
	resp, err := m.client.ListOffsets(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("list offsets of %v: %w", m.cfg.Topics, err)
	}
	out := map[TopicPartition]int64{}
	for topic, ps := range resp.Topics {
		for _, p := range ps {
			if p.Error != nil {
				return nil, fmt.Errorf("offsets of %s/%d: %w", topic, p.Partition, p.Error)
			}
			// kafka-go (v0.4.51) files an answer by the timestamp in the
			// response, which brokers set to -1 (= LastOffset) for both
			// kinds: the first offset arrives in LastOffset.
			o := p.LastOffset
			if which == kafkago.FirstOffset && o < 0 {
				o = p.FirstOffset
			}
			out[TopicPartition{topic, p.Partition}] = o
		}
	}
	return out, nil
}
