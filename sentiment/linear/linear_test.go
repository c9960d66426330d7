package linear

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
)

// toy makes a 3-class problem: feature 0..9 vote for class 0, 10..19 for
// class 1, 20..29 for class 2, with noise features 30..99.
func toy(n int, seed uint64) []Example {
	rng := rand.New(rand.NewPCG(seed, 1))
	out := make([]Example, n)
	for i := range out {
		c := rng.IntN(3)
		x := []Feature{{uint32(c*10 + rng.IntN(10)), 1}, {uint32(30 + rng.IntN(70)), 1}, {uint32(30 + rng.IntN(70)), 1}}
		out[i] = Example{X: x, Class: c}
	}
	return out
}

func argmax(p []float32) int {
	best := 0
	for i, v := range p {
		if v > p[best] {
			best = i
		}
	}
	return best
}

func TestTrainLearnsAndIsDeterministic(t *testing.T) {
	train := toy(3000, 1)
	m1, err := Train(train, 100, 3, TrainOptions{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	m2, _ := Train(train, 100, 3, TrainOptions{Seed: 7})
	b1, _ := m1.MarshalBinary()
	b2, _ := m2.MarshalBinary()
	if !bytes.Equal(b1, b2) {
		t.Fatal("two trainings with the same seed differ")
	}
	p := make([]float32, 3)
	correct := 0
	test := toy(1000, 2)
	for _, e := range test {
		m1.Probabilities(e.X, p)
		if argmax(p) == e.Class {
			correct++
		}
	}
	if correct < 980 {
		t.Fatalf("accuracy %d/1000 on a separable problem", correct)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	m, err := Train(toy(500, 3), 100, 3, TrainOptions{Epochs: 2})
	if err != nil {
		t.Fatal(err)
	}
	m.Tag = "toy v1"
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Model
	if err := back.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if back.Features != 100 || back.Classes != 3 || back.Tag != "toy v1" {
		t.Fatalf("shape %d×%d, tag %q", back.Features, back.Classes, back.Tag)
	}
	var maxAbs float32
	for _, w := range m.W {
		maxAbs = max(maxAbs, w, -w)
	}
	for i := range m.W {
		if d := m.W[i] - back.W[i]; d > maxAbs/30000 || d < -maxAbs/30000 {
			t.Fatalf("weight %d: %v became %v", i, m.W[i], back.W[i])
		}
	}
	p1, p2 := make([]float32, 3), make([]float32, 3)
	x := []Feature{{3, 1}, {42, 1}, {1000, 1}} // 1000 is outside the model: ignored
	m.Probabilities(x, p1)
	back.Probabilities(x, p2)
	if argmax(p1) != argmax(p2) || p1[argmax(p1)]-p2[argmax(p2)] > 1e-3 {
		t.Fatalf("probabilities %v vs %v", p1, p2)
	}
}

func TestUnmarshalRejects(t *testing.T) {
	m := NewModel(4, 3)
	good, _ := m.MarshalBinary()
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"wrong magic", []byte("hello world")},
		{"truncated", good[:len(good)-1]},
		{"header only", good[:len(magic)+4]},
		{"tag longer than data", append([]byte(magic), 200, 'x')},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m Model
			if err := m.UnmarshalBinary(tc.data); !errors.Is(err, ErrFormat) {
				t.Fatalf("got %v, want ErrFormat", err)
			}
		})
	}
}

func TestTrainRejectsBadInput(t *testing.T) {
	if _, err := Train(nil, 10, 3, TrainOptions{}); err == nil {
		t.Error("no examples accepted")
	}
	if _, err := Train([]Example{{Class: 3}}, 10, 3, TrainOptions{}); err == nil {
		t.Error("class out of range accepted")
	}
}
