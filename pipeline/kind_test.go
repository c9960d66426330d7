package pipeline_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/voc-analytics/voc/pipeline"
)

// TestKindsDescribeTheirEvents: each kind's key field is the JSON field its
// events' Key reads, its events name it and its topic, the kinds are the
// input topics in order, and no event type belongs to two streams.
func TestKindsDescribeTheirEvents(t *testing.T) {
	var topics []string
	owner := map[string]string{}
	for _, k := range pipeline.Kinds {
		t.Run(k.Name, func(t *testing.T) {
			ev := k.New()
			if err := json.Unmarshal([]byte(`{"`+k.KeyField+`": "key-1"}`), ev); err != nil {
				t.Fatal(err)
			}
			if ev.Key() != "key-1" {
				t.Errorf("Key() = %q after setting %s; KeyField names the wrong field", ev.Key(), k.KeyField)
			}
			if ev.Kind() != k || ev.Topic() != k.Topic {
				t.Errorf("event says kind %v, topic %s; want %s, %s", ev.Kind().Name, ev.Topic(), k.Name, k.Topic)
			}
			if got, ok := pipeline.KindOf(k.Topic); !ok || got != k {
				t.Errorf("KindOf(%s) = %v, %v", k.Topic, got, ok)
			}
			if !slices.Equal(pipeline.EventTypes(k.Topic), k.Types) {
				t.Errorf("EventTypes(%s) = %v, want %v", k.Topic, pipeline.EventTypes(k.Topic), k.Types)
			}
			for _, typ := range k.Types {
				if prev, dup := owner[typ]; dup {
					t.Errorf("event type %s in both %s and %s", typ, prev, k.Name)
				}
				owner[typ] = k.Name
				if got, ok := pipeline.KindOfType(typ); !ok || got != k {
					t.Errorf("KindOfType(%s) = %v, %v", typ, got, ok)
				}
			}
		})
		topics = append(topics, k.Topic)
	}
	if !slices.Equal(topics, pipeline.InputTopics) {
		t.Errorf("kinds' topics %v, InputTopics %v", topics, pipeline.InputTopics)
	}
	if _, ok := pipeline.KindOf(pipeline.TopicDLQ); ok {
		t.Error("the dead-letter topic has a kind")
	}
	if _, ok := pipeline.KindOfType("contact.teleported"); ok {
		t.Error("an unknown type has a kind")
	}
}
