// Package linear is a multinomial logistic regression over hashed sparse
// features: the trained half of voc's sentiment scoring.
//
// It knows nothing about text. The sentiment package turns a text into
// feature indices (character and word n-grams hashed into Buckets, plus a few
// dense rule features after them) and asks a Model for class probabilities.
// Train fits a Model with AdaGrad in a fixed, seeded order, so the same
// examples give the same weights byte for byte on the same architecture;
// MarshalBinary stores the weights quantised to int16, small enough to embed
// in the binary.
package linear
