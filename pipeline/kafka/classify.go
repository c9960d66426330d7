package kafka

import (
	"errors"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/voc-analytics/voc/pipeline"
)

// fatalCodes are broker answers that retrying cannot change.
var fatalCodes = map[kafkago.Error]string{
	kafkago.TopicAuthorizationFailed:   "the broker refuses this client the topic: grant it read/write on voc's topics",
	kafkago.GroupAuthorizationFailed:   "the broker refuses this client the consumer group: grant it access to --group",
	kafkago.ClusterAuthorizationFailed: "the broker refuses this client: check its ACLs",
	kafkago.SASLAuthenticationFailed:   "the broker refused the credentials: check them",
	kafkago.UnsupportedSASLMechanism:   "the broker does not support the SASL mechanism: configure one it offers",
	kafkago.IllegalSASLState:           "the SASL handshake failed: check the broker's SASL configuration",
	kafkago.InvalidGroupId:             "the consumer group name is invalid: pass another --group",
}

// classify marks err fatal (pipeline.Classify) when retrying cannot help;
// other errors stay transient.
func classify(err error) error {
	var code kafkago.Error
	if errors.As(err, &code) {
		if advice, ok := fatalCodes[code]; ok {
			return pipeline.NewFatal(err, advice)
		}
	}
	return err
}
