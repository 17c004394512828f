//! `#[problem(flatten)]`: the members of a field's value written straight into
//! the body as extension members, by a serializer that accepts only maps and
//! structs. Each member is checked before it is written, so the body never
//! holds a member twice, never shadows a standard member and never holds
//! `null`; a member that fails is taken back and logged, the rest stay.

use std::collections::HashSet;
use std::fmt::{self, Display};
use std::io;

use serde::Serialize;
use serde::ser::{self, Impossible};

use super::BodyWriter;

/// The most arrays and objects a member value may nest: with the problem
/// object around it, serde_json's default reading limit of 128 levels.
const MAX_DEPTH: usize = 126;

/// The first names are kept inline: most flattened values are small, and the
/// record then costs no allocation.
const INLINE: usize = 8;

/// Past this many flattened members, lookups go through a hash set.
const LINEAR: usize = 16;

/// The names of the members [`BodyWriter::flatten`] has written into one
/// body, so that none is written twice: one per body with `flatten` fields,
/// made by the derive beside its [`BodyWriter`].
///
/// ```
/// let _written = apierror::__private::Flattened::new();
/// ```
// Names are kept as byte ranges of the body: a written name is letters,
// digits and `_`, so it is there unescaped.
#[derive(Debug, Default)]
pub struct Flattened {
    inline: [(usize, usize); INLINE],
    len: usize,
    /// Past `INLINE` names: the rest, and past `LINEAR`, a set of all.
    spill: Option<Box<Spill>>,
}

#[derive(Debug, Default)]
struct Spill {
    ranges: Vec<(usize, usize)>,
    set: Option<HashSet<Box<[u8]>>>,
}

fn name(buf: &[u8], (start, end): (usize, usize)) -> &[u8] {
    buf.get(start..end).unwrap_or_default()
}

impl Flattened {
    /// Nothing written yet.
    ///
    /// ```
    /// let _written = apierror::__private::Flattened::new();
    /// ```
    #[inline]
    pub fn new() -> Flattened {
        Flattened::default()
    }

    fn ranges(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let spilled = self.spill.as_deref().map_or(&[][..], |s| &s.ranges[..]);
        self.inline[..self.len.min(INLINE)]
            .iter()
            .chain(spilled)
            .copied()
    }

    fn contains(&self, buf: &[u8], wanted: &str) -> bool {
        let wanted = wanted.as_bytes();
        match self.spill.as_deref() {
            None => self.inline[..self.len.min(INLINE)]
                .iter()
                .any(|&range| name(buf, range) == wanted),
            Some(Spill { set: Some(set), .. }) => set.contains(wanted),
            Some(_) => self.ranges().any(|range| name(buf, range) == wanted),
        }
    }

    fn insert(&mut self, buf: &[u8], start: usize, end: usize) {
        if self.len < INLINE {
            self.inline[self.len] = (start, end);
        } else {
            let spill = self.spill.get_or_insert_with(Box::default);
            spill.ranges.push((start, end));
        }
        self.len += 1;
        let Some(spill) = &mut self.spill else { return };
        match &mut spill.set {
            Some(set) => {
                set.insert(name(buf, (start, end)).into());
            }
            None if self.len > LINEAR => {
                let set = self.ranges().map(|range| name(buf, range).into()).collect();
                if let Some(spill) = &mut self.spill {
                    spill.set = Some(set);
                }
            }
            None => {}
        }
    }

    /// Forgets the names written after the first `len`.
    fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        if let Some(spill) = &mut self.spill {
            spill.ranges.truncate(len.saturating_sub(INLINE));
            // Rebuilt from the ranges when it is needed again.
            spill.set = None;
        }
        self.len = len;
    }
}

pub(super) fn write<T: Serialize + ?Sized>(
    w: &mut BodyWriter,
    written: &mut Flattened,
    field: &'static str,
    value: &T,
    taken: &'static [&'static str],
) {
    let mark = w.buf.len();
    let before = written.len;
    let serializer = Flatten(Members {
        w,
        written,
        field,
        taken,
        pending: Pending::None,
    });
    if let Err(error) = value.serialize(serializer) {
        written.truncate(before);
        w.buf.truncate(mark);
        crate::log::flatten_dropped(field, &error);
    }
}

/// Why a flattened field, as a whole, is left out.
#[derive(Debug)]
pub(crate) enum Error {
    /// It serializes as something other than a map or a struct.
    NotAMap(&'static str),
    /// Its `Serialize` impl failed.
    Custom(String),
}

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotAMap(what) => write!(f, "can only flatten a map or a struct, not {what}"),
            Error::Custom(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(message: T) -> Self {
        Error::Custom(message.to_string())
    }
}

/// Why one member is left out.
enum Refused {
    Standard,
    Taken,
    Invalid,
    Null,
    Failed(serde_json::Error),
}

impl Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::Standard => f.write_str("it would shadow a standard member"),
            Refused::Taken => f.write_str("it would shadow another extension member"),
            Refused::Invalid => f.write_str(
                "its name is not a letter followed by letters, digits or `_` (RFC 9457 §3.2)",
            ),
            Refused::Null => f.write_str("its value is null"),
            Refused::Failed(error) => write!(f, "it failed to serialize: {error}"),
        }
    }
}

fn valid_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// serde_json's compact output, refusing to nest deeper than [`MAX_DEPTH`].
struct Depth(usize);

impl Depth {
    fn enter(&mut self) -> io::Result<()> {
        if self.0 >= MAX_DEPTH {
            return Err(io::Error::other(format!(
                "it nests more than {MAX_DEPTH} arrays or objects"
            )));
        }
        self.0 += 1;
        Ok(())
    }
}

impl serde_json::ser::Formatter for Depth {
    #[inline]
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.enter()?;
        writer.write_all(b"[")
    }

    #[inline]
    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0 -= 1;
        writer.write_all(b"]")
    }

    #[inline]
    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.enter()?;
        writer.write_all(b"{")
    }

    #[inline]
    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0 -= 1;
        writer.write_all(b"}")
    }
}

/// Writes `value` as JSON, inside `depth` arrays or objects of the member.
fn value_into<T: Serialize + ?Sized>(
    buf: &mut Vec<u8>,
    value: &T,
    depth: usize,
) -> Result<(), serde_json::Error> {
    value.serialize(&mut serde_json::Serializer::with_formatter(
        buf,
        Depth(depth),
    ))
}

/// The state of one flattened field: where its members go and what they
/// must not be named.
pub(crate) struct Members<'a> {
    w: &'a mut BodyWriter,
    written: &'a mut Flattened,
    field: &'static str,
    taken: &'static [&'static str],
    pending: Pending,
}

/// Between a map's key and its value.
enum Pending {
    None,
    /// The key was refused (and logged): skip the value.
    Skip,
    /// `,"name":` is written from `mark` on.
    Member(Opened),
}

/// A member whose `,"name":` is written: from `mark`, the name ending at `end`.
#[derive(Clone, Copy)]
struct Opened {
    mark: usize,
    end: usize,
}

impl Members<'_> {
    fn refused(&self, name: &str, why: &Refused) {
        crate::log::flattened_member_dropped(self.field, name, why);
    }

    /// Checks `name` and, when it may be sent, writes `,"name":`.
    fn open(&mut self, name: &str) -> Option<Opened> {
        // Spelled out rather than `STANDARD_MEMBERS.contains`: a match on
        // the length first, on the hot path of every member.
        let why = if !valid_name(name) {
            Refused::Invalid
        } else if matches!(name, "type" | "title" | "status" | "detail" | "instance") {
            Refused::Standard
        } else if self.taken.contains(&name) || self.written.contains(&self.w.buf, name) {
            Refused::Taken
        } else {
            let mark = self.w.buf.len();
            let buf = &mut self.w.buf;
            buf.reserve(name.len() + 4);
            buf.extend_from_slice(b",\"");
            buf.extend_from_slice(name.as_bytes());
            let end = buf.len();
            buf.extend_from_slice(b"\":");
            return Some(Opened { mark, end });
        };
        self.refused(name, &why);
        None
    }

    /// Ends a member `open` began: kept when its value serialized and is
    /// something other than `null`, else taken back and logged.
    fn close(&mut self, opened: Opened, result: Result<(), serde_json::Error>) {
        let Opened { mark, end } = opened;
        let start = mark + 2;
        let why = match result {
            Ok(()) if self.w.buf.get(end + 2..).is_some_and(|v| v != b"null") => {
                self.written.insert(&self.w.buf, start, end);
                return;
            }
            Ok(()) => Refused::Null,
            Err(error) => Refused::Failed(error),
        };
        let name = self.w.buf.get(start..end).unwrap_or_default();
        self.refused(std::str::from_utf8(name).unwrap_or_default(), &why);
        self.w.buf.truncate(mark);
    }

    /// One member whose value is serialized as a whole.
    fn member<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        if let Some(opened) = self.open(name) {
            let result = value_into(&mut self.w.buf, value, 0);
            self.close(opened, result);
        }
    }
}

/// The serializer a flattened field's value is handed: maps and structs
/// become members; `None` writes nothing; anything else is an error.
struct Flatten<'a>(Members<'a>);

fn not_a_map<T>(what: &'static str) -> Result<T, Error> {
    Err(Error::NotAMap(what))
}

impl<'a> ser::Serializer for Flatten<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = VariantMember<'a>;
    type SerializeMap = Members<'a>;
    type SerializeStruct = Members<'a>;
    type SerializeStructVariant = VariantMember<'a>;

    fn serialize_bool(self, _: bool) -> Result<(), Error> {
        not_a_map("a boolean")
    }
    fn serialize_i8(self, _: i8) -> Result<(), Error> {
        not_a_map("a number")
    }
    fn serialize_i16(self, _: i16) -> Result<(), Error> {
        not_a_map("a number")
    }
    fn serialize_i32(self, _: i32) -> Result<(), Error> {
        not_a_map("a number")
    }
    fn serialize_i64(self, _: i64) -> Result<(), Error> {
        not_a_map("a number")
    }
    fn serialize_i128(self, _: i128) -> Result<(), Error> {
        not_a_map("a number")
    }
    fn serialize_u8(self, _: u8) -> Result<(), Error> {
        not_a_map("a number")
    }
    fn serialize_u16(self, _: u16) -> Result<(), Error> {
        not_a_map("a number")
    }
    fn serialize_u32(self, _: u32) -> Result<(), Error> {
        not_a_map("a number")
    }
    fn serialize_u64(self, _: u64) -> Result<(), Error> {
        not_a_map("a number")
    }
    fn serialize_u128(self, _: u128) -> Result<(), Error> {
        not_a_map("a number")
    }
    fn serialize_f32(self, _: f32) -> Result<(), Error> {
        not_a_map("a number")
    }
    fn serialize_f64(self, _: f64) -> Result<(), Error> {
        not_a_map("a number")
    }
    fn serialize_char(self, _: char) -> Result<(), Error> {
        not_a_map("a string")
    }
    fn serialize_str(self, _: &str) -> Result<(), Error> {
        not_a_map("a string")
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        not_a_map("a sequence")
    }
    fn serialize_none(self) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        not_a_map("`()` (null)")
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        not_a_map("a unit struct (null)")
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Error> {
        not_a_map("a unit variant (a string)")
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        mut self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        // serde_json writes it as `{"Variant": value}`: one member.
        self.0.member(variant, value);
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        not_a_map("a sequence")
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        not_a_map("a sequence")
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        not_a_map("a sequence")
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Ok(VariantMember::open(self.0, variant, b'['))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Ok(self.0)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Ok(self.0)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Ok(VariantMember::open(self.0, variant, b'{'))
    }
    fn collect_str<T: Display + ?Sized>(self, _: &T) -> Result<(), Error> {
        not_a_map("a string")
    }
}

impl ser::SerializeMap for Members<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.pending = Pending::Skip;
        key.serialize(Key(self))
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::Member(opened) => {
                let result = value_into(&mut self.w.buf, value, 0);
                self.close(opened, result);
                Ok(())
            }
            Pending::Skip => Ok(()),
            Pending::None => Err(Error::Custom(
                "a map value was serialized before its key".to_owned(),
            )),
        }
    }

    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

impl ser::SerializeStruct for Members<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.member(key, value);
        Ok(())
    }

    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

/// serde_json's refusal too: the whole field is left out.
fn key_not_a_string<T>() -> Result<T, Error> {
    Err(Error::Custom(
        "a map key is not a string or a number".to_owned(),
    ))
}

/// A map key: a string becomes the member name; a number or a boolean is
/// named as serde_json names it (`1` is refused, `true` is not).
struct Key<'b, 'a>(&'b mut Members<'a>);

impl Key<'_, '_> {
    fn name(self, name: &str) -> Result<(), Error> {
        if let Some(opened) = self.0.open(name) {
            self.0.pending = Pending::Member(opened);
        }
        Ok(())
    }

    fn display(self, value: impl Display) -> Result<(), Error> {
        self.name(&value.to_string())
    }
}

impl ser::Serializer for Key<'_, '_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_str(self, name: &str) -> Result<(), Error> {
        self.name(name)
    }
    fn serialize_char(self, c: char) -> Result<(), Error> {
        self.name(c.encode_utf8(&mut [0; 4]))
    }
    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.name(if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        key_not_a_string()
    }
    fn serialize_none(self) -> Result<(), Error> {
        key_not_a_string()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Error> {
        key_not_a_string()
    }
    fn serialize_unit(self) -> Result<(), Error> {
        key_not_a_string()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        key_not_a_string()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.name(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        key_not_a_string()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        key_not_a_string()
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        key_not_a_string()
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        key_not_a_string()
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        key_not_a_string()
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        key_not_a_string()
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        key_not_a_string()
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        key_not_a_string()
    }
}

/// An enum variant with fields, which serde_json writes as
/// `{"Variant": [..]}` or `{"Variant": {..}}`: one member named after the
/// variant, its fields written as they come.
pub(crate) struct VariantMember<'a> {
    members: Members<'a>,
    /// The member; `None` when it was refused or has failed.
    opened: Option<Opened>,
    first: bool,
    close: u8,
}

impl<'a> VariantMember<'a> {
    fn open(mut members: Members<'a>, variant: &str, open: u8) -> VariantMember<'a> {
        let opened = members.open(variant);
        if opened.is_some() {
            members.w.buf.push(open);
        }
        VariantMember {
            members,
            opened,
            first: true,
            close: if open == b'[' { b']' } else { b'}' },
        }
    }

    fn element<T: Serialize + ?Sized>(&mut self, key: Option<&str>, value: &T) {
        let Some(opened) = self.opened else { return };
        let buf = &mut self.members.w.buf;
        if !std::mem::take(&mut self.first) {
            buf.push(b',');
        }
        if let Some(key) = key {
            buf.push(b'"');
            super::escape_into(buf, key);
            buf.extend_from_slice(b"\":");
        }
        if let Err(error) = value_into(buf, value, 1) {
            self.members.close(opened, Err(error));
            self.opened = None;
        }
    }

    fn end(mut self) {
        if let Some(opened) = self.opened {
            self.members.w.buf.push(self.close);
            self.members.close(opened, Ok(()));
        }
    }
}

impl ser::SerializeTupleVariant for VariantMember<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(None, value);
        Ok(())
    }

    fn end(self) -> Result<(), Error> {
        VariantMember::end(self);
        Ok(())
    }
}

impl ser::SerializeStructVariant for VariantMember<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.element(Some(key), value);
        Ok(())
    }

    fn end(self) -> Result<(), Error> {
        VariantMember::end(self);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::{Value, json};

    use super::*;

    /// A body and its record of flattened names, as the derive makes them.
    struct Body {
        w: BodyWriter,
        written: Flattened,
    }

    impl Body {
        fn flatten<T: Serialize + ?Sized>(
            &mut self,
            field: &'static str,
            value: &T,
            taken: &'static [&'static str],
        ) {
            self.w.flatten(&mut self.written, field, value, taken);
        }
    }

    fn body(f: impl FnOnce(&mut Body)) -> String {
        let mut body = Body {
            w: BodyWriter::new("{\"status\":400", 0),
            written: Flattened::default(),
        };
        f(&mut body);
        String::from_utf8(body.w.finish("}").into_owned()).unwrap()
    }

    /// What `#[derive(Serialize)]` writes for an externally tagged enum.
    enum Tagged {
        Unit,
        New(Value),
        Tuple(u8, Value),
        Struct { a: u8, b: &'static str },
    }

    impl Serialize for Tagged {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::{SerializeStructVariant, SerializeTupleVariant};
            match self {
                Tagged::Unit => s.serialize_unit_variant("Tagged", 0, "Unit"),
                Tagged::New(v) => s.serialize_newtype_variant("Tagged", 1, "New", v),
                Tagged::Tuple(a, b) => {
                    let mut t = s.serialize_tuple_variant("Tagged", 2, "Tuple", 2)?;
                    t.serialize_field(a)?;
                    t.serialize_field(b)?;
                    t.end()
                }
                Tagged::Struct { a, b } => {
                    let mut t = s.serialize_struct_variant("Tagged", 3, "Struct", 2)?;
                    t.serialize_field("a", a)?;
                    t.serialize_field("b", b)?;
                    t.end()
                }
            }
        }
    }

    #[test]
    fn members_are_checked_one_by_one() {
        let map = json!({
            "ok": 1, "type": "x", "instance": "x", "id": 2, "1st": 3, "a-b": 4,
            "nul": null, "größe": 5, "": 6, "deep": [[[1]]], "q\"": 7
        });
        let out = body(|w| {
            w.flatten("ctx", &map, &["id"]);
            w.flatten("again", &json!({"ok": 8, "more": 9}), &["id"]);
        });
        let value: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            value,
            json!({"status": 400, "ok": 1, "deep": [[[1]]], "more": 9})
        );
    }

    #[test]
    fn anything_but_a_map_is_left_out_whole() {
        for value in [json!(1), json!("s"), json!([1]), json!(null), json!(true)] {
            assert_eq!(body(|w| w.flatten("f", &value, &[])), "{\"status\":400}");
        }
        assert_eq!(body(|w| w.flatten("f", &(), &[])), "{\"status\":400}");
        assert_eq!(
            body(|w| w.flatten("f", &None::<Value>, &[])),
            "{\"status\":400}"
        );
        assert_eq!(
            body(|w| w.flatten("f", &Tagged::Unit, &[])),
            "{\"status\":400}"
        );
        let pairs = BTreeMap::from([((1, 2), 3)]);
        assert_eq!(body(|w| w.flatten("f", &pairs, &[])), "{\"status\":400}");
    }

    #[test]
    fn enum_variants_are_one_member_as_serde_json_writes_them() {
        let out = body(|w| {
            w.flatten("a", &Tagged::New(json!(1)), &[]);
            w.flatten("b", &Tagged::Tuple(2, Value::Null), &[]);
            w.flatten("c", &Tagged::Struct { a: 3, b: "x\"" }, &[]);
            w.flatten("d", &Tagged::New(json!(9)), &[]);
        });
        assert_eq!(
            out,
            r#"{"status":400,"New":1,"Tuple":[2,null],"Struct":{"a":3,"b":"x\""}}"#
        );
    }

    #[test]
    fn keys_that_are_numbers_or_booleans_are_named_as_serde_json_does() {
        let map = BTreeMap::from([(1, 1), (2, 2)]);
        assert_eq!(body(|w| w.flatten("f", &map, &[])), "{\"status\":400}");
        let map = BTreeMap::from([(true, 1), (false, 0)]);
        assert_eq!(
            body(|w| w.flatten("f", &map, &[])),
            "{\"status\":400,\"false\":0,\"true\":1}"
        );
    }

    #[test]
    fn depth_limit_holds_for_members_and_variants() {
        fn nested(levels: usize) -> Value {
            (0..levels).fold(json!(1), |inner, _| json!([inner]))
        }
        let map = json!({"fits": nested(126), "deep": nested(127)});
        let out = body(|w| w.flatten("f", &map, &[]));
        let value: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value, json!({"status": 400, "fits": nested(126)}));

        let variant = |levels| Tagged::Tuple(0, nested(levels));
        let fits = body(|w| w.flatten("f", &variant(125), &[]));
        assert!(
            serde_json::from_str::<Value>(&fits)
                .unwrap()
                .get("Tuple")
                .is_some()
        );
        let deep = body(|w| w.flatten("f", &variant(126), &[]));
        assert_eq!(deep, "{\"status\":400}");
    }

    #[test]
    fn many_members_switch_to_a_set_and_still_refuse_duplicates() {
        let names: Vec<String> = (0..40).map(|i| format!("m{i}")).collect();
        let first: BTreeMap<&str, usize> = names.iter().map(|n| (n.as_str(), 1)).collect();
        let out = body(|w| {
            w.flatten("a", &first, &[]);
            w.flatten("b", &first, &[]);
            w.flatten("c", &json!({"m39": 2, "new": 3}), &[]);
        });
        let value: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value.as_object().unwrap().len(), 1 + 40 + 1);
        assert_eq!(value["m39"], 1);
    }

    #[test]
    fn a_field_that_fails_midway_is_taken_back_whole() {
        struct Fails;
        impl Serialize for Fails {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut map = s.serialize_map(None)?;
                map.serialize_entry("written", &1)?;
                Err(serde::ser::Error::custom("no"))
            }
        }
        let out = body(|w| {
            w.flatten("a", &Fails, &[]);
            w.flatten("b", &json!({"written": 2}), &[]);
        });
        assert_eq!(out, "{\"status\":400,\"written\":2}");
    }

    #[test]
    fn a_failed_field_forgets_its_names_inline_spilled_and_hashed() {
        struct FailsAfter(usize);
        impl Serialize for FailsAfter {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut map = s.serialize_map(None)?;
                for i in 0..self.0 {
                    map.serialize_entry(&format!("k{i}"), &i)?;
                }
                Err(serde::ser::Error::custom("no"))
            }
        }
        for (kept, failed) in [(0, 3), (3, 20), (10, 3), (20, 5), (5, 40)] {
            let first: BTreeMap<String, usize> = (0..kept).map(|i| (format!("k{i}"), i)).collect();
            let all: BTreeMap<String, usize> = (0..60).map(|i| (format!("k{i}"), i)).collect();
            let out = body(|w| {
                w.flatten("a", &first, &[]);
                w.flatten("b", &FailsAfter(failed), &[]);
                w.flatten("c", &all, &[]);
                w.flatten("d", &all, &[]);
            });
            let value: Value = serde_json::from_str(&out).unwrap();
            let expected: serde_json::Map<String, Value> =
                std::iter::once(("status".to_owned(), json!(400)))
                    .chain(all.iter().map(|(k, v)| (k.clone(), json!(v))))
                    .collect();
            assert_eq!(value, Value::Object(expected), "{kept} then {failed}");
            for key in all.keys() {
                let quoted = format!("\"{key}\"");
                assert_eq!(
                    out.matches(&quoted).count(),
                    1,
                    "{key}: {kept} then {failed}"
                );
            }
        }
    }
}
