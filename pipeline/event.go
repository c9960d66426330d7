package pipeline

import "time"

// Topics of the four input streams and the dead-letter topic.
const (
	TopicChats       = "voc.chats"
	TopicTickets     = "voc.tickets"
	TopicSurveys     = "voc.surveys"
	TopicSuggestions = "voc.suggestions"
	TopicDLQ         = "voc.dlq"
)

// InputTopics lists the topics of the four streams (Kinds) in a fixed order.
var InputTopics = []string{TopicChats, TopicTickets, TopicSurveys, TopicSuggestions}

// SchemaVersion is the contract version this build reads and writes.
const SchemaVersion = 1

// Event types of the chats stream (chat sessions and phone calls), key contact_id.
const (
	ContactStarted       = "contact.started"
	ContactQueued        = "contact.queued"
	ContactAgentAnswered = "contact.agent_answered"
	ContactMessage       = "contact.message"
	ContactTransferred   = "contact.transferred"
	ContactBotHandoff    = "contact.bot_handoff"
	ContactAbandoned     = "contact.abandoned"
	ContactEnded         = "contact.ended"
)

// Event types of the tickets stream, key ticket_id.
const (
	TicketCreated       = "ticket.created"
	TicketAssigned      = "ticket.assigned"
	TicketStatusChanged = "ticket.status_changed"
	TicketEscalated     = "ticket.escalated"
	TicketCommented     = "ticket.commented"
	TicketResolved      = "ticket.resolved"
	TicketReopened      = "ticket.reopened"
	TicketClosed        = "ticket.closed"
)

// Event types of the surveys stream, key survey_id.
const (
	SurveySent     = "survey.sent"
	SurveyAnswered = "survey.answered"
)

// Event types of the suggestions stream (internal employee board), key post_id.
const (
	SuggestionPosted        = "suggestion.posted"
	SuggestionEndorsed      = "suggestion.endorsed"
	SuggestionCommented     = "suggestion.commented"
	SuggestionStatusChanged = "suggestion.status_changed"
)

// Channels a customer can use.
const (
	ChannelApp       = "app"
	ChannelWeb       = "web"
	ChannelPhone     = "phone"
	ChannelWeChat    = "wechat"
	ChannelCommunity = "community"
	ChannelEmail     = "email"
)

// Channels lists every valid channel value.
var Channels = []string{ChannelApp, ChannelWeb, ChannelPhone, ChannelWeChat, ChannelCommunity, ChannelEmail}

// Message senders.
const (
	SenderCustomer = "customer"
	SenderAgent    = "agent"
	SenderBot      = "bot"
)

// Ticket categories, priorities and statuses.
var (
	TicketCategories = []string{"repair", "installation", "complaint", "consultation"}
	TicketPriorities = []string{"low", "normal", "high", "urgent"}
	TicketStatuses   = []string{"new", "assigned", "in_progress", "waiting_customer", "resolved", "reopened", "closed"}
	SuggestionStatus = []string{"open", "under_review", "adopted", "rejected", "implemented"}
	CommentAuthors   = []string{"agent", "customer", "system"}
)

// Envelope holds the fields every event has, whatever its stream.
type Envelope struct {
	EventID    string    `json:"event_id"`    // globally unique, used for deduplication
	Type       string    `json:"type"`        // e.g. "contact.started"
	Version    int       `json:"version"`     // contract version, SchemaVersion
	OccurredAt time.Time `json:"occurred_at"` // RFC 3339 with offset, when it happened at the source
}

// ChatEvent is one event of a chat session or phone call (topic voc.chats).
// Which fields are required depends on Type; see docs/events.md.
type ChatEvent struct {
	Envelope
	ContactID       string   `json:"contact_id"`                 // key
	Channel         string   `json:"channel,omitempty"`          // started (required), others optional
	CustomerID      string   `json:"customer_id,omitempty"`      // started (required)
	CustomerTags    []string `json:"customer_tags,omitempty"`    // started: vip, elderly, gamer...
	VIPLevel        int      `json:"vip_level,omitempty"`        // started: 0-3
	ProductModel    string   `json:"product_model,omitempty"`    // started / ended
	PurchaseDate    string   `json:"purchase_date,omitempty"`    // started: YYYY-MM-DD
	Language        string   `json:"language,omitempty"`         // started: zh|en
	Queue           string   `json:"queue,omitempty"`            // queued, bot_handoff, transferred
	AgentID         string   `json:"agent_id,omitempty"`         // agent_answered (required), message by agent
	Team            string   `json:"team,omitempty"`             // agent_answered
	MessageID       string   `json:"message_id,omitempty"`       // message (required)
	Sender          string   `json:"sender,omitempty"`           // message (required): customer|agent|bot
	Text            string   `json:"text,omitempty"`             // message (required)
	FromTeam        string   `json:"from_team,omitempty"`        // transferred
	ToTeam          string   `json:"to_team,omitempty"`          // transferred (required)
	Reason          string   `json:"reason,omitempty"`           // transferred, bot_handoff, abandoned
	Stage           string   `json:"stage,omitempty"`            // abandoned (required): bot|queue|agent
	Resolved        *bool    `json:"resolved,omitempty"`         // ended (required): agent's resolution flag
	ServiceCategory string   `json:"service_category,omitempty"` // ended: one of the 115 service categories
	TicketID        string   `json:"ticket_id,omitempty"`        // ended: ticket opened for follow-up
}

// TicketEvent is one event in a ticket's life (topic voc.tickets).
type TicketEvent struct {
	Envelope
	TicketID        string `json:"ticket_id"`                  // key
	Category        string `json:"category,omitempty"`         // created (required): repair|installation|complaint|consultation
	Priority        string `json:"priority,omitempty"`         // created (required): low|normal|high|urgent
	ProductModel    string `json:"product_model,omitempty"`    // created
	CustomerID      string `json:"customer_id,omitempty"`      // created (required)
	ContactID       string `json:"contact_id,omitempty"`       // created: contact that opened it
	Channel         string `json:"channel,omitempty"`          // created
	ServiceCategory string `json:"service_category,omitempty"` // created
	Title           string `json:"title,omitempty"`            // created
	Text            string `json:"text,omitempty"`             // created: description; commented (required); resolved: resolution
	AgentID         string `json:"agent_id,omitempty"`         // assigned (required)
	Team            string `json:"team,omitempty"`             // assigned
	FromStatus      string `json:"from_status,omitempty"`      // status_changed
	ToStatus        string `json:"to_status,omitempty"`        // status_changed (required)
	Level           int    `json:"level,omitempty"`            // escalated (required): 1 agent, 2 supervisor, 3 executive
	Reason          string `json:"reason,omitempty"`           // escalated, reopened
	CommentID       string `json:"comment_id,omitempty"`       // commented (required)
	Author          string `json:"author,omitempty"`           // commented: agent|customer|system
}

// SurveyEvent is a survey sent after a contact or ticket, or its answer (topic voc.surveys).
type SurveyEvent struct {
	Envelope
	SurveyID   string `json:"survey_id"`             // key
	ContactID  string `json:"contact_id,omitempty"`  // sent: one of contact_id/ticket_id required
	TicketID   string `json:"ticket_id,omitempty"`   // sent
	CustomerID string `json:"customer_id,omitempty"` // sent (required)
	Channel    string `json:"channel,omitempty"`     // sent
	CSAT       *int   `json:"csat,omitempty"`        // answered: 1-5 stars
	Likes32    *int   `json:"likes32,omitempty"`     // answered: -1, 0, 1 or 32 ("32 likes")
	NPS        *int   `json:"nps,omitempty"`         // answered: 0-10
	Solved     *bool  `json:"solved,omitempty"`      // answered: "was your problem solved?"
	Comment    string `json:"comment,omitempty"`     // answered: free text
}

// SuggestionEvent is an event on the internal suggestion board (topic voc.suggestions).
type SuggestionEvent struct {
	Envelope
	PostID     string   `json:"post_id"`              // key
	AuthorID   string   `json:"author_id,omitempty"`  // posted, commented (required): employee id
	Department string   `json:"department,omitempty"` // posted
	Title      string   `json:"title,omitempty"`      // posted (required)
	Text       string   `json:"text,omitempty"`       // posted: body; commented (required)
	Tags       []string `json:"tags,omitempty"`       // posted
	VoterID    string   `json:"voter_id,omitempty"`   // endorsed (required)
	CommentID  string   `json:"comment_id,omitempty"` // commented (required)
	FromStatus string   `json:"from_status,omitempty"`
	ToStatus   string   `json:"to_status,omitempty"` // status_changed (required)
}

// Event is any decoded, validated event of the four streams.
type Event interface {
	Env() *Envelope
	Kind() *Kind   // the stream the event belongs to
	Key() string   // the Kafka message key: contact/ticket/survey/post id (Kind().KeyField)
	Topic() string // the topic the event belongs on (Kind().Topic)
	// Texts returns pointers to the free-text fields, for enrichment and redaction.
	Texts() []*string
	// Notes returns pointers to the free-text reasons agents and systems
	// give (transfer, hand-off, abandonment, escalation, reopen): they are
	// redacted like Texts but not analysed, since they describe the
	// handling, not what the customer said.
	Notes() []*string
	// validate checks the rules of the event's kind and type (required
	// fields, enumerations, ranges), after the envelope checks of Decode.
	validate() error
}

func (e *ChatEvent) Env() *Envelope       { return &e.Envelope }
func (e *TicketEvent) Env() *Envelope     { return &e.Envelope }
func (e *SurveyEvent) Env() *Envelope     { return &e.Envelope }
func (e *SuggestionEvent) Env() *Envelope { return &e.Envelope }

func (e *ChatEvent) Key() string       { return e.ContactID }
func (e *TicketEvent) Key() string     { return e.TicketID }
func (e *SurveyEvent) Key() string     { return e.SurveyID }
func (e *SuggestionEvent) Key() string { return e.PostID }

func (e *ChatEvent) Topic() string       { return e.Kind().Topic }
func (e *TicketEvent) Topic() string     { return e.Kind().Topic }
func (e *SurveyEvent) Topic() string     { return e.Kind().Topic }
func (e *SuggestionEvent) Topic() string { return e.Kind().Topic }

func (e *ChatEvent) Texts() []*string       { return nonEmpty(&e.Text) }
func (e *TicketEvent) Texts() []*string     { return nonEmpty(&e.Title, &e.Text) }
func (e *SurveyEvent) Texts() []*string     { return nonEmpty(&e.Comment) }
func (e *SuggestionEvent) Texts() []*string { return nonEmpty(&e.Title, &e.Text) }

func (e *ChatEvent) Notes() []*string       { return nonEmpty(&e.Reason) }
func (e *TicketEvent) Notes() []*string     { return nonEmpty(&e.Reason) }
func (e *SurveyEvent) Notes() []*string     { return nil }
func (e *SuggestionEvent) Notes() []*string { return nil }

func nonEmpty(ps ...*string) []*string {
	out := ps[:0]
	for _, p := range ps {
		if *p != "" {
			out = append(out, p)
		}
	}
	return out
}
