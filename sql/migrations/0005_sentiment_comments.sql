-- Say exactly what the sentiment columns hold (metadata only, no data is rewritten).

ALTER TABLE messages
    COMMENT COLUMN sentiment_score 'Sentiment of the redacted text in [-1, 1]: P(pos) - P(neg) from the trained model of sentiment/ (lexicon and rules as features).',
    COMMENT COLUMN sentiment_label 'neg | neu | pos: the most probable class, so near a score of 0 the label can differ from the sign of the score.';

ALTER TABLE ticket_events
    COMMENT COLUMN sentiment_score 'Sentiment of the redacted text in [-1, 1]: P(pos) - P(neg) from the trained model of sentiment/; 0 when there is no text.',
    COMMENT COLUMN sentiment_label 'neg | neu | pos: the most probable class (near a score of 0 it can differ from the sign of the score); empty when there is no text.';

ALTER TABLE survey_events
    COMMENT COLUMN sentiment_score 'Sentiment of the redacted comment in [-1, 1]: P(pos) - P(neg) from the trained model of sentiment/; 0 without comment.',
    COMMENT COLUMN sentiment_label 'neg | neu | pos: the most probable class (near a score of 0 it can differ from the sign of the score); empty without comment.';

ALTER TABLE suggestion_events
    COMMENT COLUMN sentiment_score 'Sentiment of the redacted text in [-1, 1]: P(pos) - P(neg) from the trained model of sentiment/; 0 without text.',
    COMMENT COLUMN sentiment_label 'neg | neu | pos: the most probable class (near a score of 0 it can differ from the sign of the score); empty without text.';
