//! Writing CSV cells (RFC 4180) that are safe to open in a spreadsheet.

/// One cell of a CSV row.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Text: quoted when needed and neutralised against formula injection.
    Text(String),
    /// A number written by the exporter itself (a minus sign here is a sign, not a formula).
    Number(String),
    /// Nothing.
    Empty,
}

impl Cell {
    /// A text cell.
    pub fn text(text: impl Into<String>) -> Self {
        Cell::Text(text.into())
    }

    /// An integer cell.
    pub fn int(value: impl Into<u64>) -> Self {
        Cell::Number(value.into().to_string())
    }

    /// A float cell with a fixed number of decimals; NaN and infinities are left empty.
    pub fn float(value: f64, decimals: usize) -> Self {
        if value.is_finite() {
            Cell::Number(format!("{value:.decimals$}"))
        } else {
            Cell::Empty
        }
    }
}

/// Characters that make a spreadsheet read a cell as a formula (OWASP's list): `=`, `+`,
/// `-`, `@`, and a tab or carriage return in front of them.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Text as a spreadsheet will show it, never run: a cell starting like a formula gets a
/// leading `'`, which spreadsheets read as "this is text". Class names never start so, but
/// model and label-set names come from the user's file names.
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// A field quoted as RFC 4180 asks: in double quotes when it holds a comma, a quote, or a
/// line break, with quotes doubled.
pub fn quote(field: &str) -> std::borrow::Cow<'_, str> {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\"")).into()
    } else {
        field.into()
    }
}

/// Appends one record, ending in CRLF as RFC 4180 has it.
pub fn write_row(out: &mut String, cells: &[Cell]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match cell {
            Cell::Text(text) => out.push_str(&quote(&neutralise(text))),
            Cell::Number(number) => out.push_str(&quote(number)),
            Cell::Empty => {}
        }
    }
    out.push_str("\r\n");
}

/// Appends the header record: column names are text like any other.
pub fn write_header(out: &mut String, columns: &[String]) {
    let cells: Vec<Cell> = columns.iter().map(|c| Cell::text(c.as_str())).collect();
    write_row(out, &cells);
}
