package sentiment

import (
	_ "embed"
	"fmt"

	"github.com/voc-analytics/voc/sentiment/linear"
)

// modelWeights is the trained model, written by `voc sentiment train` (the
// exact command is in doc.go and docs/benchmarks.md).
//
//go:embed model/weights.bin
var modelWeights []byte

// ModelPath is where `voc sentiment train` writes the model that is embedded.
const ModelPath = "sentiment/model/weights.bin"

// LoadModel decodes a model written by `voc sentiment train` and checks that
// it fits this version's features.
func LoadModel(data []byte) (*linear.Model, error) {
	var m linear.Model
	if err := m.UnmarshalBinary(data); err != nil {
		return nil, fmt.Errorf("load sentiment model: %w", err)
	}
	if m.Tag != featureSet || m.Features != numFeatures || m.Classes != len(Labels) {
		return nil, fmt.Errorf("load sentiment model: features %q %d × %d classes, this version computes %q %d × %d: retrain with voc sentiment train",
			m.Tag, m.Features, m.Classes, featureSet, numFeatures, len(Labels))
	}
	return &m, nil
}
