package linear

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Example is one labelled training input.
type Example struct {
	X      []Feature
	Class  int
	Weight float32 // importance; 0 means 1
}

// TrainOptions tune Train. The zero value is usable.
type TrainOptions struct {
	Epochs       int     // passes over the data (default 6)
	LearningRate float64 // AdaGrad base rate (default 0.1)
	L2           float64 // weight decay applied to the features an example touches (default 1e-5)
	Seed         uint64  // shuffling seed
	// ClassWeights multiplies the weight of every example of a class (nil: all 1).
	ClassWeights []float64
}

func (o *TrainOptions) defaults() {
	if o.Epochs == 0 {
		o.Epochs = 6
	}
	if o.LearningRate == 0 {
		o.LearningRate = 0.1
	}
	if o.L2 == 0 {
		o.L2 = 1e-5
	}
}

// Train fits a model with features inputs and classes outputs by minimising
// the weighted cross-entropy with AdaGrad. The order of examples is shuffled
// with opts.Seed, so results are deterministic.
func Train(examples []Example, features, classes int, opts TrainOptions) (*Model, error) {
	opts.defaults()
	if len(examples) == 0 {
		return nil, fmt.Errorf("train: no examples")
	}
	for i, e := range examples {
		if e.Class < 0 || e.Class >= classes {
			return nil, fmt.Errorf("train: example %d has class %d, want 0..%d", i, e.Class, classes-1)
		}
	}
	// Train in float64; the model keeps float32.
	w := make([]float64, features*classes)
	g2 := make([]float64, features*classes)
	bias := make([]float64, classes)
	bg2 := make([]float64, classes)
	order := make([]int, len(examples))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x766f63))
	p := make([]float64, classes)
	grad := make([]float64, classes)
	const eps = 1e-8
	for range opts.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, idx := range order {
			e := &examples[idx]
			copy(p, bias)
			for _, f := range e.X {
				if int(f.Index) >= features {
					continue
				}
				row := w[int(f.Index)*classes : int(f.Index+1)*classes]
				for c := range row {
					p[c] += row[c] * float64(f.Value)
				}
			}
			softmax(p)
			ew := float64(e.Weight)
			if ew == 0 {
				ew = 1
			}
			if opts.ClassWeights != nil {
				ew *= opts.ClassWeights[e.Class]
			}
			for c := range grad {
				y := 0.0
				if c == e.Class {
					y = 1
				}
				grad[c] = (p[c] - y) * ew
			}
			for c := range bias {
				bg2[c] += grad[c] * grad[c]
				bias[c] -= opts.LearningRate * grad[c] / (math.Sqrt(bg2[c]) + eps)
			}
			for _, f := range e.X {
				if int(f.Index) >= features {
					continue
				}
				base := int(f.Index) * classes
				for c := range classes {
					k := base + c
					g := grad[c]*float64(f.Value) + opts.L2*w[k]
					g2[k] += g * g
					w[k] -= opts.LearningRate * g / (math.Sqrt(g2[k]) + eps)
				}
			}
		}
	}
	m := NewModel(features, classes)
	for i, v := range w {
		m.W[i] = float32(v)
	}
	for i, v := range bias {
		m.Bias[i] = float32(v)
	}
	return m, nil
}
