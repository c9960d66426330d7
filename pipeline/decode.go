package pipeline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Reason says why an input was rejected. Values are stable: they are stored
// in the rejects table and the voc-reason header of dead-lettered messages.
type Reason string

const (
	ReasonInvalidJSON        Reason = "invalid_json"
	ReasonInvalidUTF8        Reason = "invalid_utf8"
	ReasonMissingField       Reason = "missing_field"
	ReasonInvalidField       Reason = "invalid_field"
	ReasonUnknownType        Reason = "unknown_type"
	ReasonWrongTopic         Reason = "wrong_topic"
	ReasonUnsupportedVersion Reason = "unsupported_version"
	ReasonTextTooLong        Reason = "text_too_long"
	ReasonTimestampRange     Reason = "timestamp_out_of_range"
	ReasonKeyMismatch        Reason = "key_mismatch"
	ReasonUnknownTopic       Reason = "unknown_topic"
	// ReasonRefusedByStorage: the event met the contract but ClickHouse
	// refuses to store it (a constraint, a value it cannot parse).
	ReasonRefusedByStorage Reason = "refused_by_storage"
)

// Reasons lists every Reason, for dashboards and tests that enumerate them
// (TestReasonsListsEveryReason keeps it complete).
var Reasons = []Reason{ReasonInvalidJSON, ReasonInvalidUTF8, ReasonMissingField, ReasonInvalidField, ReasonUnknownType,
	ReasonWrongTopic, ReasonUnsupportedVersion, ReasonTextTooLong, ReasonTimestampRange, ReasonKeyMismatch, ReasonUnknownTopic, ReasonRefusedByStorage}

// RejectError is returned for input that does not meet the contract.
type RejectError struct {
	Reason Reason
	Field  string // the offending field, if any
	Detail string
}

func (e *RejectError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: field %q: %s", e.Reason, e.Field, e.Detail)
	}
	return fmt.Sprintf("%s: %s", e.Reason, e.Detail)
}

func reject(r Reason, field, format string, args ...any) *RejectError {
	return &RejectError{Reason: r, Field: field, Detail: fmt.Sprintf(format, args...)}
}

// Limits bound what Decode accepts.
type Limits struct {
	MaxTextBytes int           // longest free-text field, in bytes
	MaxFuture    time.Duration // how far after Now an occurred_at may be
	MaxPast      time.Duration // how far before Now an occurred_at may be
	Now          func() time.Time
}

// DefaultLimits: 16 KiB texts, timestamps from 5 years ago to 1 hour ahead.
func DefaultLimits() Limits {
	return Limits{MaxTextBytes: 16 << 10, MaxFuture: time.Hour, MaxPast: 5 * 365 * 24 * time.Hour, Now: time.Now}
}

// Validate reports a configuration error.
func (l Limits) Validate() error {
	if l.MaxTextBytes <= 0 || l.MaxFuture < 0 || l.MaxPast <= 0 {
		return fmt.Errorf("limits: max text bytes and max past must be positive, max future not negative (got %d, %s, %s)", l.MaxTextBytes, l.MaxPast, l.MaxFuture)
	}
	return nil
}

// Decode parses and validates one message of topic. key is the Kafka message
// key (may be empty; when set it must equal the event's stable key). Every
// contract violation is a *RejectError.
func Decode(topic string, key, value []byte, lim Limits) (Event, error) {
	if !utf8.Valid(value) {
		return nil, reject(ReasonInvalidUTF8, "", "message is not valid UTF-8")
	}
	kind, ok := KindOf(topic)
	if !ok {
		return nil, reject(ReasonUnknownTopic, "", "topic %q is not one of %s", topic, strings.Join(InputTopics, ", "))
	}
	ev := kind.New()
	if err := unmarshal(value, ev); err != nil {
		return nil, err
	}
	if err := validate(ev, key, lim); err != nil {
		return nil, err
	}
	return ev, nil
}

func unmarshal(value []byte, ev Event) error {
	value = bytes.TrimSpace(value)
	if len(value) == 0 || value[0] != '{' {
		return reject(ReasonInvalidJSON, "", "message is not a JSON object")
	}
	err := json.Unmarshal(value, ev)
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	var timeErr *time.ParseError
	switch {
	case errors.As(err, &typeErr):
		return reject(ReasonInvalidField, typeErr.Field, "got JSON %s, want %s", typeErr.Value, typeErr.Type)
	case errors.As(err, &timeErr):
		return reject(ReasonInvalidField, "occurred_at", "not an RFC 3339 timestamp: %q", timeErr.Value)
	default:
		return reject(ReasonInvalidJSON, "", "%v", err)
	}
}

// EventTypes returns the event types of a topic's stream.
func EventTypes(topic string) []string {
	if k, ok := KindOf(topic); ok {
		return slices.Clone(k.Types)
	}
	return nil
}

func validate(ev Event, key []byte, lim Limits) error {
	env, kind := ev.Env(), ev.Kind()
	if env.Type == "" {
		return reject(ReasonMissingField, "type", "every event needs a type")
	}
	if !slices.Contains(kind.Types, env.Type) {
		if other, ok := KindOfType(env.Type); ok {
			return reject(ReasonWrongTopic, "type", "%s events belong on %s, not %s", env.Type, other.Topic, kind.Topic)
		}
		return reject(ReasonUnknownType, "type", "unknown event type %q for %s", env.Type, kind.Topic)
	}
	if env.Version == 0 {
		return reject(ReasonMissingField, "version", "schema version missing")
	}
	if env.Version != SchemaVersion {
		return reject(ReasonUnsupportedVersion, "version", "version %d not supported (this build reads %d)", env.Version, SchemaVersion)
	}
	if env.EventID == "" {
		return reject(ReasonMissingField, "event_id", "event_id is required")
	}
	if len(env.EventID) > 128 {
		return reject(ReasonInvalidField, "event_id", "longer than 128 bytes")
	}
	if env.OccurredAt.IsZero() {
		return reject(ReasonMissingField, "occurred_at", "occurred_at is required")
	}
	now := lim.Now()
	if env.OccurredAt.After(now.Add(lim.MaxFuture)) {
		return reject(ReasonTimestampRange, "occurred_at", "%s is more than %s in the future", env.OccurredAt.Format(time.RFC3339), lim.MaxFuture)
	}
	if env.OccurredAt.Before(now.Add(-lim.MaxPast)) {
		return reject(ReasonTimestampRange, "occurred_at", "%s is more than %s in the past", env.OccurredAt.Format(time.RFC3339), lim.MaxPast)
	}
	if ev.Key() == "" {
		return reject(ReasonMissingField, kind.KeyField, "the stream's key is required")
	}
	if len(key) > 0 && string(key) != ev.Key() {
		return reject(ReasonKeyMismatch, kind.KeyField, "message key %q differs from %s %q", key, kind.KeyField, ev.Key())
	}
	for _, p := range ev.Texts() {
		if len(*p) > lim.MaxTextBytes {
			return reject(ReasonTextTooLong, "text", "%d bytes, limit %d", len(*p), lim.MaxTextBytes)
		}
	}
	return ev.validate()
}

func required(field, v string) error {
	if v == "" {
		return reject(ReasonMissingField, field, "required for this event type")
	}
	return nil
}

func oneOf(field, v string, allowed []string) error {
	if v != "" && !slices.Contains(allowed, v) {
		return reject(ReasonInvalidField, field, "%q is not one of %s", v, strings.Join(allowed, "|"))
	}
	return nil
}

func inRange(field string, v *int, lo, hi int) error {
	if v != nil && (*v < lo || *v > hi) {
		return reject(ReasonInvalidField, field, "%d is outside %d..%d", *v, lo, hi)
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func (e *ChatEvent) validate() error {
	err := firstErr(oneOf("channel", e.Channel, Channels), oneOf("stage", e.Stage, []string{"bot", "queue", "agent"}))
	if err != nil {
		return err
	}
	if e.VIPLevel < 0 || e.VIPLevel > 3 {
		return reject(ReasonInvalidField, "vip_level", "%d is outside 0..3", e.VIPLevel)
	}
	if e.PurchaseDate != "" {
		// ClickHouse's Date holds 1970-01-01..2149-06-06 and wraps silently
		// outside it, so anything else is rejected rather than stored wrong.
		d, err := time.Parse(time.DateOnly, e.PurchaseDate)
		if err != nil {
			return reject(ReasonInvalidField, "purchase_date", "%q is not a YYYY-MM-DD date", e.PurchaseDate)
		}
		if d.Year() < 1970 || d.After(time.Date(2149, 6, 6, 0, 0, 0, 0, time.UTC)) {
			return reject(ReasonInvalidField, "purchase_date", "%s is outside 1970-01-01..2149-06-06", e.PurchaseDate)
		}
	}
	switch e.Type {
	case ContactStarted:
		return firstErr(required("channel", e.Channel), required("customer_id", e.CustomerID))
	case ContactAgentAnswered:
		return required("agent_id", e.AgentID)
	case ContactMessage:
		return firstErr(required("message_id", e.MessageID), required("sender", e.Sender),
			oneOf("sender", e.Sender, []string{SenderCustomer, SenderAgent, SenderBot}), required("text", e.Text))
	case ContactTransferred:
		return required("to_team", e.ToTeam)
	case ContactAbandoned:
		return required("stage", e.Stage)
	case ContactEnded:
		if e.Resolved == nil {
			return reject(ReasonMissingField, "resolved", "contact.ended needs the resolution flag")
		}
	}
	return nil
}

func (e *TicketEvent) validate() error {
	err := firstErr(oneOf("category", e.Category, TicketCategories), oneOf("priority", e.Priority, TicketPriorities),
		oneOf("channel", e.Channel, Channels), oneOf("to_status", e.ToStatus, TicketStatuses),
		oneOf("from_status", e.FromStatus, TicketStatuses), oneOf("author", e.Author, CommentAuthors))
	if err != nil {
		return err
	}
	switch e.Type {
	case TicketCreated:
		return firstErr(required("category", e.Category), required("priority", e.Priority), required("customer_id", e.CustomerID))
	case TicketAssigned:
		return required("agent_id", e.AgentID)
	case TicketStatusChanged:
		return required("to_status", e.ToStatus)
	case TicketEscalated:
		if e.Level < 1 || e.Level > 3 {
			return reject(ReasonInvalidField, "level", "escalation level %d is outside 1..3", e.Level)
		}
	case TicketCommented:
		return firstErr(required("comment_id", e.CommentID), required("text", e.Text))
	}
	return nil
}

func (e *SurveyEvent) validate() error {
	err := firstErr(oneOf("channel", e.Channel, Channels), inRange("csat", e.CSAT, 1, 5), inRange("nps", e.NPS, 0, 10))
	if err != nil {
		return err
	}
	if e.Likes32 != nil && !slices.Contains([]int{-1, 0, 1, 32}, *e.Likes32) {
		return reject(ReasonInvalidField, "likes32", "%d is not one of -1, 0, 1, 32", *e.Likes32)
	}
	switch e.Type {
	case SurveySent:
		if e.ContactID == "" && e.TicketID == "" {
			return reject(ReasonMissingField, "contact_id", "survey.sent needs contact_id or ticket_id")
		}
		return required("customer_id", e.CustomerID)
	case SurveyAnswered:
		if e.CSAT == nil && e.Likes32 == nil && e.NPS == nil && e.Solved == nil && e.Comment == "" {
			return reject(ReasonMissingField, "csat", "survey.answered carries no answer")
		}
	}
	return nil
}

func (e *SuggestionEvent) validate() error {
	if err := firstErr(oneOf("to_status", e.ToStatus, SuggestionStatus), oneOf("from_status", e.FromStatus, SuggestionStatus)); err != nil {
		return err
	}
	switch e.Type {
	case SuggestionPosted:
		return firstErr(required("author_id", e.AuthorID), required("title", e.Title))
	case SuggestionEndorsed:
		return required("voter_id", e.VoterID)
	case SuggestionCommented:
		return firstErr(required("comment_id", e.CommentID), required("author_id", e.AuthorID), required("text", e.Text))
	case SuggestionStatusChanged:
		return required("to_status", e.ToStatus)
	}
	return nil
}

// Encode serialises an event as the contract's JSON.
func Encode(ev Event) ([]byte, error) {
	b, err := json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("encode %s %s: %w", ev.Env().Type, ev.Env().EventID, err)
	}
	return b, nil
}
