package linear

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Feature is one non-zero input of an example.
type Feature struct {
	Index uint32
	Value float32
}

// Model holds one weight per (feature, class) and one bias per class.
type Model struct {
	Features int       // number of feature indices: hash buckets plus dense features
	Classes  int       // number of output classes
	W        []float32 // Features*Classes, feature-major
	Bias     []float32 // Classes
	// Tag names what produced the features (the caller's feature-set
	// version), so that a model is never used with features it was not
	// trained on. At most 255 bytes.
	Tag string
}

// NewModel returns a zero model.
func NewModel(features, classes int) *Model {
	return &Model{Features: features, Classes: classes, W: make([]float32, features*classes), Bias: make([]float32, classes)}
}

// Probabilities writes the softmax class probabilities of x into p (len Classes).
// Indices outside the model are ignored.
func (m *Model) Probabilities(x []Feature, p []float32) {
	for c := range m.Classes {
		p[c] = m.Bias[c]
	}
	for _, f := range x {
		if int(f.Index) >= m.Features {
			continue
		}
		w := m.W[int(f.Index)*m.Classes : int(f.Index+1)*m.Classes]
		for c := range w {
			p[c] += w[c] * f.Value
		}
	}
	softmax(p)
}

// softmax turns scores into probabilities in place: float32 when scoring,
// float64 when training.
func softmax[F float32 | float64](p []F) {
	mx := p[0]
	for _, v := range p[1:] {
		mx = max(mx, v)
	}
	var sum F
	for i, v := range p {
		p[i] = F(math.Exp(float64(v - mx)))
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
}

const magic = "VOCLIN2\n"

// ErrFormat is returned by UnmarshalBinary for data that is not a model.
var ErrFormat = errors.New("not a linear model")

// MarshalBinary encodes the model: a header (magic, tag, shape, scale), the
// biases as float32 and the weights quantised to int16 with one scale
// (largest |weight| / 32767).
func (m *Model) MarshalBinary() ([]byte, error) {
	if len(m.Tag) > 255 {
		return nil, fmt.Errorf("encode model: tag of %d bytes, at most 255", len(m.Tag))
	}
	var maxAbs float32
	for _, w := range m.W {
		maxAbs = max(maxAbs, float32(math.Abs(float64(w))))
	}
	scale := maxAbs / math.MaxInt16
	if scale == 0 {
		scale = 1
	}
	var b bytes.Buffer
	b.WriteString(magic)
	b.WriteByte(byte(len(m.Tag)))
	b.WriteString(m.Tag)
	hdr := []any{uint32(m.Features), uint32(m.Classes), scale, m.Bias}
	for _, v := range hdr {
		if err := binary.Write(&b, binary.LittleEndian, v); err != nil {
			return nil, fmt.Errorf("encode model header: %w", err)
		}
	}
	q := make([]int16, len(m.W))
	for i, w := range m.W {
		q[i] = int16(math.Round(float64(w / scale)))
	}
	if err := binary.Write(&b, binary.LittleEndian, q); err != nil {
		return nil, fmt.Errorf("encode model weights: %w", err)
	}
	return b.Bytes(), nil
}

// UnmarshalBinary decodes a model written by MarshalBinary.
func (m *Model) UnmarshalBinary(data []byte) error {
	if !bytes.HasPrefix(data, []byte(magic)) {
		return ErrFormat
	}
	data = data[len(magic):]
	if len(data) < 1 || len(data) < 1+int(data[0]) {
		return fmt.Errorf("%w: truncated tag", ErrFormat)
	}
	tag := string(data[1 : 1+int(data[0])])
	r := bytes.NewReader(data[1+int(data[0]):])
	var features, classes uint32
	var scale float32
	for _, v := range []any{&features, &classes, &scale} {
		if err := binary.Read(r, binary.LittleEndian, v); err != nil {
			return fmt.Errorf("%w: decode header: %w", ErrFormat, err)
		}
	}
	if classes == 0 || classes > 64 || features == 0 || int64(r.Len()) != int64(classes)*4+int64(features)*int64(classes)*2 {
		return fmt.Errorf("%w: %d features × %d classes do not match %d bytes", ErrFormat, features, classes, r.Len())
	}
	*m = *NewModel(int(features), int(classes))
	m.Tag = tag
	if err := binary.Read(r, binary.LittleEndian, m.Bias); err != nil {
		return fmt.Errorf("%w: decode biases: %w", ErrFormat, err)
	}
	q := make([]int16, len(m.W))
	if err := binary.Read(r, binary.LittleEndian, q); err != nil {
		return fmt.Errorf("%w: decode weights: %w", ErrFormat, err)
	}
	for i, v := range q {
		m.W[i] = float32(v) * scale
	}
	return nil
}
