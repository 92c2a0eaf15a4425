//! The merchant index's schema and its Chinese analyser.
//!
//! Text is segmented by jieba in search mode (overlapping words: 家用电器 →
//! 家用 / 电器 / 家用电器), lower-cased, with punctuation and very long tokens
//! dropped; Latin text falls out of the same analyser as words. Names are
//! also indexed one character at a time (`name_chars`), so one- and
//! two-character queries (电, 北京) still find names that contain them.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// The analyser names registered on the index.
pub const ZH: &str = "gongdao_zh";
pub const CHARS: &str = "gongdao_chars";

#[derive(Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub name: Field,
    pub name_chars: Field,
    pub shop_names: Field,
    pub scope: Field,
    pub uscc: Field,
    pub province: Field,
    pub region: Field,
    pub kind: Field,
    pub grade: Field,
    pub score: Field,
    pub list: Field,
    /// 0 none, 1 red, 2 black: read while ranking.
    pub list_code: Field,
    pub verified: Field,
    pub complaints: Field,
}

pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |analyser: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyser)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let fields = Fields {
        id: b.add_u64_field("id", INDEXED | STORED | FAST),
        name: b.add_text_field("name", text(ZH) | STORED),
        name_chars: b.add_text_field("name_chars", text(CHARS)),
        shop_names: b.add_text_field("shop_names", text(ZH)),
        scope: b.add_text_field("scope", text(ZH)),
        uscc: b.add_text_field("uscc", STRING | STORED),
        province: b.add_text_field("province", STRING | STORED | FAST),
        region: b.add_text_field("region", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        grade: b.add_text_field("grade", STRING | STORED | FAST),
        score: b.add_i64_field("score", INDEXED | STORED | FAST),
        list: b.add_text_field("list", STRING | STORED | FAST),
        list_code: b.add_u64_field("list_code", FAST),
        verified: b.add_text_field("verified", STRING | STORED | FAST),
        complaints: b.add_u64_field("complaints", INDEXED | STORED | FAST),
    };
    (b.build(), fields)
}

/// Registers both analysers on `index` (every index of ours uses them).
pub fn register_analysers(index: &tantivy::Index) {
    index.tokenizers().register(ZH, zh_analyser());
    index.tokenizers().register(CHARS, chars_analyser());
}

/// jieba (search mode), lower-cased, without punctuation or tokens over 40 bytes.
pub fn zh_analyser() -> TextAnalyzer {
    TextAnalyzer::builder(tantivy_jieba::JiebaTokenizer::new())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(DropPunctuation)
        .build()
}

/// One token per character (letters and digits), lower-cased.
pub fn chars_analyser() -> TextAnalyzer {
    TextAnalyzer::builder(CharTokenizer)
        .filter(LowerCaser)
        .build()
}

/// Drops tokens that are only punctuation or spaces (jieba emits them).
#[derive(Clone)]
pub struct DropPunctuation;

impl TokenFilter for DropPunctuation {
    type Tokenizer<T: Tokenizer> = DropPunctuationTokenizer<T>;
    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        DropPunctuationTokenizer(tokenizer)
    }
}

#[derive(Clone)]
pub struct DropPunctuationTokenizer<T>(T);

impl<T: Tokenizer> Tokenizer for DropPunctuationTokenizer<T> {
    type TokenStream<'a> = DropPunctuationStream<T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        DropPunctuationStream(self.0.token_stream(text))
    }
}

pub struct DropPunctuationStream<S>(S);

impl<S: TokenStream> TokenStream for DropPunctuationStream<S> {
    fn advance(&mut self) -> bool {
        while self.0.advance() {
            if self.0.token().text.chars().any(char::is_alphanumeric) {
                return true;
            }
        }
        false
    }
    fn token(&self) -> &Token {
        self.0.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
}

/// Splits text into single alphanumeric characters.
#[derive(Clone, Default)]
pub struct CharTokenizer;

pub struct CharStream {
    tokens: Vec<Token>,
    at: usize,
}

impl Tokenizer for CharTokenizer {
    type TokenStream<'a> = CharStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> CharStream {
        let tokens = text
            .char_indices()
            .filter(|(_, c)| c.is_alphanumeric())
            .enumerate()
            .map(|(position, (offset, c))| Token {
                offset_from: offset,
                offset_to: offset + c.len_utf8(),
                position,
                text: c.to_string(),
                position_length: 1,
            })
            .collect();
        CharStream { tokens, at: 0 }
    }
}

impl TokenStream for CharStream {
    fn advance(&mut self) -> bool {
        self.at += 1;
        self.at <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.at - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.at - 1]
    }
}

/// The tokens `analyser` makes of `text` (for queries and tests).
pub fn tokens(analyser: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = vec![];
    let mut stream = analyser.token_stream(text);
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}
