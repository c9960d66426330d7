package generate

import (
	"bytes"
	"math/rand/v2"
)

// malform derives a bad message from a good one, one of the ways real
// producers break the contract: truncated JSON, a missing required field, a
// wrong JSON type, an unknown event type or invalid UTF-8. Decode rejects
// every one of them.
func malform(r *rand.Rand, good []byte) []byte {
	switch r.IntN(5) {
	case 0: // truncated
		return bytes.Clone(good[:len(good)/2])
	case 1: // missing event_id
		if i := bytes.Index(good, []byte(`"event_id":"`)); i >= 0 {
			j := bytes.Index(good[i+12:], []byte(`",`))
			if j >= 0 {
				out := append(bytes.Clone(good[:i]), good[i+12+j+2:]...)
				return out
			}
		}
		return []byte(`{"type":"contact.started","version":1}`)
	case 2: // wrong type: version as a string
		return bytes.Replace(good, []byte(`"version":1`), []byte(`"version":"1"`), 1)
	case 3: // unknown event type
		i := bytes.Index(good, []byte(`"type":"`))
		j := bytes.IndexByte(good[i+8:], '"')
		out := append(bytes.Clone(good[:i+8]), "unknown.event"...)
		return append(out, good[i+8+j:]...)
	default: // invalid UTF-8 inside a string
		i := bytes.Index(good, []byte(`"type":"`)) + 8
		out := append(bytes.Clone(good[:i]), 0xff, 0xfe)
		return append(out, good[i:]...)
	}
}
