//! The sheet as a PDF, made in-process with no network and no system font: `krilla` writes
//! the PDF, embedding the subset of the bundled Japanese font (`crates/web/fonts/`) that the
//! text uses, with a ToUnicode map so that the text can be searched, copied and read aloud.
//!
//! The layout is deliberately plain — A4, one column, headings and wrapped lines — so that
//! it prints the same everywhere. Line breaks are computed from the font's own advance widths.

use krilla::Document;
use krilla::geom::Point;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};

use super::view::SheetView;

/// The bundled font (IPAexGothic subset, IPA Font License; see `crates/web/fonts/README.md`).
static FONT_BYTES: &[u8] = include_bytes!("../../../fonts/madoguchi-sheet-gothic.ttf");

/// A4 in PostScript points.
const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 50.0;

/// Why no PDF could be made; said to the person as a 500 with a plain message.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the bundled font could not be read")]
    Font,
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

/// One line's style.
#[derive(Clone, Copy)]
enum Style {
    Title,
    Heading,
    Subheading,
    Body,
    Small,
}

impl Style {
    fn size(self) -> f32 {
        match self {
            Self::Title => 18.0,
            Self::Heading => 13.5,
            Self::Subheading => 11.5,
            Self::Body => 10.0,
            Self::Small => 8.5,
        }
    }

    /// Space above the line, in points.
    fn gap(self) -> f32 {
        match self {
            Self::Title => 0.0,
            Self::Heading => 12.0,
            Self::Subheading => 8.0,
            Self::Body | Self::Small => 2.0,
        }
    }
}

/// Lays blocks of text out on A4 pages, wrapping by the font's advance widths.
struct Writer {
    font: Font,
    widths: FontWidths,
    pages: Vec<Vec<(f32, f32, f32, String)>>,
    y: f32,
}

impl Writer {
    fn new(font: Font, widths: FontWidths) -> Self {
        Self {
            font,
            widths,
            pages: vec![Vec::new()],
            y: MARGIN,
        }
    }

    /// Writes `text` in `style`, indented by `indent` points, wrapped to the page width.
    fn block(&mut self, style: Style, indent: f32, text: &str) {
        let size = style.size();
        let leading = size * 1.5;
        self.y += style.gap();
        let width = PAGE_W - 2.0 * MARGIN - indent;
        for line in self.widths.wrap(text, size, width) {
            if self.y + leading > PAGE_H - MARGIN {
                self.pages.push(Vec::new());
                self.y = MARGIN;
            }
            self.y += leading;
            if let Some(page) = self.pages.last_mut() {
                page.push((MARGIN + indent, self.y - leading * 0.25, size, line));
            }
        }
    }

    fn finish(self, title: &str) -> Result<Vec<u8>, PdfError> {
        let mut document = Document::new();
        document.set_metadata(
            Metadata::new()
                .title(title.to_owned())
                .language("ja".to_owned())
                .creator("madoguchi".to_owned()),
        );
        let count = self.pages.len();
        for (n, lines) in self.pages.into_iter().enumerate() {
            let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
                .ok_or_else(|| PdfError::Write("page size".to_owned()))?;
            let mut page = document.start_page_with(settings);
            let mut surface = page.surface();
            for (x, y, size, text) in &lines {
                surface.draw_text(
                    Point::from_xy(*x, *y),
                    self.font.clone(),
                    *size,
                    text,
                    false,
                    TextDirection::Auto,
                );
            }
            let footer = format!("{} / {}", n + 1, count);
            surface.draw_text(
                Point::from_xy(PAGE_W / 2.0 - 10.0, PAGE_H - MARGIN / 2.0),
                self.font.clone(),
                Style::Small.size(),
                &footer,
                false,
                TextDirection::Auto,
            );
            surface.finish();
            page.finish();
        }
        document
            .finish()
            .map_err(|e| PdfError::Write(format!("{e:?}")))
    }
}

/// Advance widths read from the font's `hmtx` table through its cmap, for line breaking.
struct FontWidths {
    units_per_em: f32,
    advance: std::collections::HashMap<char, u16>,
    fallback: u16,
}

impl FontWidths {
    fn read(data: &[u8], text: &str) -> Option<Self> {
        use skrifa::MetadataProvider;
        use skrifa::instance::{LocationRef, Size};
        let font = skrifa::FontRef::new(data).ok()?;
        let units_per_em = f32::from(
            font.metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        );
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        let fallback = units_per_em as u16;
        let advance = text
            .chars()
            .map(|c| {
                let width = charmap
                    .map(c)
                    .and_then(|g| metrics.advance_width(g))
                    .map_or(fallback, |w| w.round() as u16);
                (c, width)
            })
            .collect();
        Some(Self {
            units_per_em,
            advance,
            fallback,
        })
    }

    fn width(&self, c: char, size: f32) -> f32 {
        f32::from(*self.advance.get(&c).unwrap_or(&self.fallback)) * size / self.units_per_em
    }

    /// Splits `text` into lines no wider than `width`; Japanese breaks between any two
    /// characters, except that closing brackets and 「、。」 never start a line.
    fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            let mut used = 0.0;
            for c in paragraph.chars() {
                let w = self.width(c, size);
                let no_break_before = matches!(c, '、' | '。' | '）' | '」' | '』' | '・' | ')');
                if used + w > width && !line.is_empty() && !no_break_before {
                    lines.push(std::mem::take(&mut line));
                    used = 0.0;
                }
                line.push(c);
                used += w;
            }
            lines.push(line);
        }
        lines
    }
}

/// The sheet as PDF bytes.
pub fn sheet_pdf(sheet: &SheetView) -> Result<Vec<u8>, PdfError> {
    let blocks = blocks(sheet);
    let all_text: String = blocks.iter().map(|(_, _, t)| t.as_str()).collect();
    let widths = FontWidths::read(FONT_BYTES, &all_text).ok_or(PdfError::Font)?;
    let font = Font::new(FONT_BYTES.into(), 0).ok_or(PdfError::Font)?;
    let mut writer = Writer::new(font, widths);
    for (style, indent, text) in &blocks {
        writer.block(*style, *indent, text);
    }
    writer.finish("申請・相談シート")
}

/// The sheet's text in reading order, as the printable page has it.
fn blocks(s: &SheetView) -> Vec<(Style, f32, String)> {
    let mut out = Vec::new();
    let mut push = |style, indent, text: String| out.push((style, indent, text));
    push(Style::Title, 0.0, "申請・相談シート".to_owned());
    push(
        Style::Small,
        0.0,
        format!(
            "{}時点の診断の回答から作成しました。申請の前に、各制度の公募要領で最新の内容をご確認ください。",
            s.as_of
        ),
    );
    push(Style::Heading, 0.0, "1. 事業者の概要".to_owned());
    if s.no_facts() {
        push(
            Style::Body,
            0.0,
            "診断でまだ事業者の情報に答えていないため、概要の欄はすべて未回答です。窓口で伺います。"
                .to_owned(),
        );
    }
    for f in &s.facts {
        push(Style::Body, 8.0, format!("{}：{}", f.label, f.value));
    }
    for (label, value) in &s.other_answers {
        push(Style::Small, 8.0, format!("{label}：{value}"));
    }
    push(Style::Heading, 0.0, "2. 申請・相談したい制度".to_owned());
    push(Style::Small, 0.0, s.choice_note.clone());
    if let Some(reason) = &s.empty_reason {
        push(Style::Body, 0.0, reason.clone());
    }
    for (n, p) in s.programs.iter().enumerate() {
        push(Style::Subheading, 0.0, format!("({}) {}", n + 1, p.title));
        push(
            Style::Body,
            8.0,
            format!("判定：{}　発行元：{}", p.verdict, p.issuer),
        );
        if let Some(amount) = &p.amount {
            push(Style::Body, 8.0, format!("上限額：{amount}"));
        }
        if let Some(rate) = &p.rate {
            push(Style::Body, 8.0, format!("補助率：{rate}"));
        }
        push(Style::Body, 8.0, format!("受付：{}", p.window));
        for round in &p.rounds {
            push(Style::Small, 16.0, round.clone());
        }
        push(Style::Body, 8.0, "用意する書類：".to_owned());
        if p.documents.is_empty() {
            push(
                Style::Small,
                16.0,
                "必要書類は掲載されていません。制度の窓口にご確認ください。".to_owned(),
            );
        }
        for d in &p.documents.lines {
            push(Style::Small, 16.0, format!("□ {}", d.one_line()));
        }
        if !p.documents.not_needed.is_empty() {
            push(
                Style::Small,
                16.0,
                format!(
                    "回答から不要と判断した書類：{}",
                    p.documents.not_needed.join("、")
                ),
            );
        }
        push(Style::Body, 8.0, format!("問い合わせ先：{}", p.ask));
        if let Some(url) = &p.official_url {
            push(Style::Small, 8.0, format!("公式ページ：{url}"));
        }
    }
    push(
        Style::Heading,
        0.0,
        "3. まだわからないこと・確認先".to_owned(),
    );
    let mut any = false;
    if !s.unknown_facts.is_empty() {
        any = true;
        push(
            Style::Body,
            8.0,
            format!(
                "事業者の情報：{}（窓口で伺います）",
                s.unknown_facts.join("、")
            ),
        );
    }
    for p in &s.programs {
        for u in &p.unknowns {
            any = true;
            push(
                Style::Body,
                8.0,
                format!("{}：{}　→ 確認先：{}", p.title, u, p.ask),
            );
        }
    }
    if !any {
        push(
            Style::Body,
            8.0,
            "回答と掲載内容からは、確認が必要な点は見つかりませんでした。".to_owned(),
        );
    }
    out
}
