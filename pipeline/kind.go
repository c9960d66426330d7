package pipeline

// Kind describes one of the four input streams: everything the pipeline
// and its adapters need to know about a stream without switching on it.
// Each event type says its Kind (Event.Kind), and the kind-specific rules
// of a stream are its event's validate method.
type Kind struct {
	Name     string   // chat, ticket, survey, suggestion
	Topic    string   // the stream's Kafka topic
	KeyField string   // the JSON field holding the stream's key, also the Kafka message key
	Types    []string // the stream's event types, in lifecycle order
	newEvent func() Event
}

// New returns an empty event of the kind, to decode into.
func (k *Kind) New() Event { return k.newEvent() }

// The four streams.
var (
	ChatKind = &Kind{Name: "chat", Topic: TopicChats, KeyField: "contact_id",
		Types:    []string{ContactStarted, ContactQueued, ContactAgentAnswered, ContactMessage, ContactTransferred, ContactBotHandoff, ContactAbandoned, ContactEnded},
		newEvent: func() Event { return new(ChatEvent) }}
	TicketKind = &Kind{Name: "ticket", Topic: TopicTickets, KeyField: "ticket_id",
		Types:    []string{TicketCreated, TicketAssigned, TicketStatusChanged, TicketEscalated, TicketCommented, TicketResolved, TicketReopened, TicketClosed},
		newEvent: func() Event { return new(TicketEvent) }}
	SurveyKind = &Kind{Name: "survey", Topic: TopicSurveys, KeyField: "survey_id",
		Types:    []string{SurveySent, SurveyAnswered},
		newEvent: func() Event { return new(SurveyEvent) }}
	SuggestionKind = &Kind{Name: "suggestion", Topic: TopicSuggestions, KeyField: "post_id",
		Types:    []string{SuggestionPosted, SuggestionEndorsed, SuggestionCommented, SuggestionStatusChanged},
		newEvent: func() Event { return new(SuggestionEvent) }}
)

// Kinds lists the four streams in InputTopics order.
var Kinds = []*Kind{ChatKind, TicketKind, SurveyKind, SuggestionKind}

// KindOf returns the kind whose stream is topic.
func KindOf(topic string) (*Kind, bool) {
	for _, k := range Kinds {
		if k.Topic == topic {
			return k, true
		}
	}
	return nil, false
}

// KindOfType returns the kind whose stream carries event type t.
func KindOfType(t string) (*Kind, bool) {
	for _, k := range Kinds {
		for _, typ := range k.Types {
			if typ == t {
				return k, true
			}
		}
	}
	return nil, false
}

func (e *ChatEvent) Kind() *Kind       { return ChatKind }
func (e *TicketEvent) Kind() *Kind     { return TicketKind }
func (e *SurveyEvent) Kind() *Kind     { return SurveyKind }
func (e *SuggestionEvent) Kind() *Kind { return SuggestionKind }
