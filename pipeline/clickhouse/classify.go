package clickhouse

import (
	"errors"
	"fmt"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"

	"github.com/voc-analytics/voc/pipeline"
)

// ClickHouse error codes (src/Common/ErrorCodes.cpp) by what they mean
// for one insert.
var (
	// The data of some row: the same rows fail again, other rows pass.
	rowCodes = map[int32]bool{
		6:   true, // CANNOT_PARSE_TEXT
		27:  true, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
		38:  true, // CANNOT_PARSE_DATE
		41:  true, // CANNOT_PARSE_DATETIME
		53:  true, // TYPE_MISMATCH
		69:  true, // ARGUMENT_OUT_OF_BOUND
		70:  true, // CANNOT_CONVERT_TYPE
		72:  true, // CANNOT_PARSE_NUMBER
		117: true, // INCORRECT_DATA
		131: true, // TOO_LARGE_STRING_SIZE
		321: true, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
		469: true, // VIOLATED_CONSTRAINT
	}
	// The schema or the credentials: every insert fails until an operator acts.
	fatalCodes = map[int32]string{
		8:   "the schema is older than this build: run 'voc migrate' (or drop --no-migrate)",                 // THERE_IS_NO_COLUMN
		10:  "the schema is older than this build: run 'voc migrate' (or drop --no-migrate)",                 // NOT_FOUND_COLUMN_IN_BLOCK
		16:  "the schema is older than this build: run 'voc migrate' (or drop --no-migrate)",                 // NO_SUCH_COLUMN_IN_TABLE
		47:  "the schema is older than this build: run 'voc migrate' (or drop --no-migrate)",                 // UNKNOWN_IDENTIFIER
		60:  "the table is missing: run 'voc migrate' on this database (or drop --no-migrate)",               // UNKNOWN_TABLE
		81:  "the database is missing: run 'voc migrate' (or check the database in --clickhouse)",            // UNKNOWN_DATABASE
		164: "the user is read-only: connect as the writer (check --clickhouse and VOC_CLICKHOUSE_PASSWORD)", // READONLY
		192: "unknown user: check the user in --clickhouse",                                                  // UNKNOWN_USER
		497: "the user may not insert here: grant INSERT on the voc database or connect as the writer",       // ACCESS_DENIED
		516: "authentication failed: check VOC_CLICKHOUSE_PASSWORD / VOC_CLICKHOUSE_PASSWORD_FILE",           // AUTHENTICATION_FAILED
	}
)

// rowError reports whether err concerns the data of the rows inserted
// (so that splitting the insert isolates the rows at fault).
func rowError(err error) bool {
	var ex *clickhouse.Exception
	return errors.As(err, &ex) && rowCodes[ex.Code]
}

// classify marks err fatal when retrying cannot help; other errors stay
// transient.
func classify(err error) error {
	var ex *clickhouse.Exception
	if errors.As(err, &ex) {
		if advice, ok := fatalCodes[ex.Code]; ok {
			return pipeline.NewFatal(err, advice)
		}
		return err
	}
	var conv *column.ColumnConverterError
	var unsupported *column.UnsupportedColumnTypeError
	if errors.As(err, &conv) || errors.As(err, &unsupported) {
		return pipeline.NewFatal(err, "a column's type differs from what this build writes: run 'voc migrate', or use the voc build that matches the schema")
	}
	return err
}

// refusal describes why a row is refused.
func refusal(t *Table, err error) string {
	return fmt.Sprintf("ClickHouse refused the row for %s: %v", t.Name, err)
}
