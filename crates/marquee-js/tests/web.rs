//! The web platform's small pieces in the app runtime (`web.js`), each expression against what
//! the web platform gives for it (the tables were checked in Node 20, whose globals follow the
//! same standards; where this runtime differs, a comment says so).

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use marquee_js::{AppRuntime, Host, Level, Limits};

#[derive(Default)]
struct Lines(Vec<(Level, String)>, Option<PathBuf>);

impl Host for Lines {
    fn send(&mut self, _: Vec<u8>) {}
    fn log(&mut self, level: Level, message: &str) {
        self.0.push((level, message.to_string()));
    }
    fn local_storage(&self) -> Option<PathBuf> {
        self.1.clone()
    }
}

fn runtime(name: &str) -> (AppRuntime, Rc<RefCell<Lines>>) {
    runtime_with(name, None, Limits::default())
}

/// A runtime whose `localStorage` persists in `storage`, if given.
fn runtime_with(name: &str, storage: Option<&Path>, limits: Limits) -> (AppRuntime, Rc<RefCell<Lines>>) {
    let dir = std::env::temp_dir().join(format!("marquee-js-web-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // What an expression gives, as the tables below write it.
    std::fs::write(
        dir.join("main.js"),
        "globalThis.shown = (f) => { try { const v = f(); return typeof v === 'string' ? v : JSON.stringify(v); } \
         catch (e) { return `throws ${e.name}${e.code ? ` (${e.code})` : ''}`; } };",
    )
    .unwrap();
    let lines = Rc::new(RefCell::new(Lines(Vec::new(), storage.map(Path::to_path_buf))));
    let rt = AppRuntime::start(&dir, &dir.join("main.js"), (1280.0, 720.0), limits, lines.clone())
        .unwrap_or_else(|e| panic!("the app starts: {e}"));
    (rt, lines)
}

/// Evaluates each expression and checks what it gives.
fn check(name: &str, cases: &[(&str, &str)]) {
    let (mut rt, lines) = runtime(name);
    check_in(&mut rt, &lines, cases);
}

fn check_in(rt: &mut AppRuntime, lines: &RefCell<Lines>, cases: &[(&str, &str)]) {
    for (expr, want) in cases {
        rt.eval(&format!("console.log(shown(() => ({expr})))")).unwrap_or_else(|e| panic!("{expr}: {e}"));
        let got = lines.borrow_mut().0.pop().map(|(_, line)| line).unwrap_or_default();
        assert_eq!(&got, want, "{expr}");
    }
}

#[test]
fn base64_both_ways() {
    check(
        "base64",
        &[
            ("btoa('')", ""),
            ("btoa('f')", "Zg=="),
            ("btoa('fo')", "Zm8="),
            ("btoa('foo')", "Zm9v"),
            ("btoa('\\xff\\xfe\\x00')", "//4A"),
            ("btoa('é')", "6Q=="),
            ("btoa('€')", "throws InvalidCharacterError (5)"),
            ("atob('Zm9v')", "foo"),
            ("atob('Zg')", "f"),
            ("atob(' Zm 8=\\n')", "fo"),
            ("[...atob('//4A')].map((c) => c.charCodeAt(0))", "[255,254,0]"),
            ("atob('Z')", "throws InvalidCharacterError (5)"),
            ("atob('Zm9v!')", "throws InvalidCharacterError (5)"),
            ("atob('Zg===')", "throws InvalidCharacterError (5)"),
        ],
    );
}

#[test]
fn text_encoding_is_utf8_with_the_standards_replacement_rules() {
    check(
        "text",
        &[
            ("[...new TextEncoder().encode('aé€😀')]", "[97,195,169,226,130,172,240,159,152,128]"),
            // A lone surrogate is encoded as U+FFFD.
            ("[...new TextEncoder().encode('a\\ud800b')]", "[97,239,191,189,98]"),
            ("new TextEncoder().encodeInto('aé€', new Uint8Array(4))", r#"{"read":2,"written":3}"#),
            ("new TextDecoder().decode(new Uint8Array([104,105,0xe2,0x82,0xac]))", "hi€"),
            ("new TextDecoder().decode(new Uint8Array([0xef,0xbb,0xbf,0x41]))", "A"),
            ("new TextDecoder('utf-8', { ignoreBOM: true }).decode(new Uint8Array([0xef,0xbb,0xbf,0x41])).length", "2"),
            // Each maximal invalid subpart is one U+FFFD.
            ("new TextDecoder().decode(new Uint8Array([0x41,0xf0,0x9f,0x98,0x42,0xff,0x43]))", "A\u{fffd}B\u{fffd}C"),
            ("new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xc3]))", "throws TypeError"),
            ("new TextDecoder().decode(new Uint8Array([0x61,0x62,0x63,0x64]).subarray(1, 3))", "bc"),
            ("new TextDecoder().decode(new Uint16Array([0x6968]).buffer)", "hi"),
            // A character split across chunks comes out whole when streamed.
            (
                "(() => { const d = new TextDecoder(); return d.decode(new Uint8Array([0xe2, 0x82]), { stream: true }) + '|' + d.decode(new Uint8Array([0xac, 0x21])); })()",
                "|€!",
            ),
            // Where this runtime differs: UTF-8 is the only encoding it decodes.
            ("new TextDecoder('latin1')", "throws RangeError"),
            ("new TextDecoder().decode('text')", "throws TypeError"),
        ],
    );
}

#[test]
fn structured_clone_keeps_types_cycles_and_shared_references() {
    check(
        "clone",
        &[
            ("structuredClone({ a: [1, 'x', null, true], n: { m: 2 } })", r#"{"a":[1,"x",null,true],"n":{"m":2}}"#),
            (
                "(() => { const o = { d: new Date(5), r: /a+/gi, m: new Map([[1, 'one']]), s: new Set([2]) }; const c = structuredClone(o); \
                 return [c.d instanceof Date && c.d.getTime(), String(c.r), c.m.get(1), c.s.has(2), c.m !== o.m]; })()",
                r#"[5,"/a+/gi","one",true,true]"#,
            ),
            (
                "(() => { const a = { name: 'a' }; a.self = a; const c = structuredClone({ x: a, y: a }); return [c.x === c.y, c.x.self === c.x, c.x !== a]; })()",
                "[true,true,true]",
            ),
            (
                "(() => { const b = new Uint8Array([1, 2, 3, 4]); const c = structuredClone(b.subarray(1, 3)); b[1] = 9; return [c.constructor.name, [...c], c.buffer.byteLength]; })()",
                r#"["Uint8Array",[2,3],4]"#,
            ),
            (
                "(() => { const e = structuredClone(new RangeError('far')); return [e instanceof RangeError, e.message]; })()",
                r#"[true,"far"]"#,
            ),
            ("structuredClone(() => 1)", "throws DataCloneError (25)"),
            ("structuredClone({ f: Symbol('s') })", "throws DataCloneError (25)"),
            ("structuredClone(new (class Point { x = 1 })())", r#"{"x":1}"#),
            ("structuredClone(new WeakMap())", "throws DataCloneError (25)"),
            ("structuredClone(Promise.resolve())", "throws DataCloneError (25)"),
        ],
    );
}

#[test]
fn crypto_draws_from_the_system_and_checks_its_arguments() {
    check(
        "crypto",
        &[
            (
                "/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID())",
                "true",
            ),
            ("crypto.randomUUID() !== crypto.randomUUID()", "true"),
            // 4,096 random bytes are not all zero, and the same array comes back.
            (
                "(() => { const a = new Uint32Array(1024); return crypto.getRandomValues(a) === a && a.some((x) => x !== 0); })()",
                "true",
            ),
            (
                "(() => { const a = new Uint8Array(8); crypto.getRandomValues(a.subarray(2, 4)); return a[0] === 0 && a[7] === 0; })()",
                "true",
            ),
            ("crypto.getRandomValues(new Float64Array(2))", "throws TypeMismatchError (17)"),
            ("crypto.getRandomValues(new Uint8Array(65537))", "throws QuotaExceededError (22)"),
            ("crypto.getRandomValues(new Uint8Array(65536)).length", "65536"),
        ],
    );
}

#[test]
fn microtasks_run_before_the_entry_ends_and_their_errors_are_reported() {
    let (mut rt, lines) = runtime("microtask");
    rt.eval("queueMicrotask(() => console.log('second')); queueMicrotask(() => { throw new Error('boom'); }); console.log('first');")
        .unwrap();
    let lines = lines.borrow();
    let said: Vec<&str> = lines.0.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(&said[..2], ["first", "second"]);
    assert!(said[2].starts_with("microtask threw: Error: boom"), "{said:?}");
    assert_eq!(lines.0[2].0, Level::Error);
    drop(lines);
    check(
        "microtask-args",
        &[("queueMicrotask(1)", "throws TypeError"), ("new DOMException('m', 'AbortError').code", "20")],
    );
}

#[test]
fn storage_is_the_web_storage_interface_and_local_storage_persists() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state/local-storage.json");
    let (mut rt, lines) = runtime_with("storage", Some(&file), Limits::default());
    check_in(
        &mut rt,
        &lines,
        &[
            ("localStorage.getItem('rail')", "null"),
            ("(localStorage.setItem('rail', 3), localStorage.getItem('rail'))", "3"),
            ("(localStorage.theme = 'dark', localStorage.getItem('theme'))", "dark"),
            (
                "[localStorage.length, localStorage.key(0), localStorage.key(1), localStorage.key(2)]",
                r#"[2,"rail","theme",null]"#,
            ),
            (
                "[Object.keys(localStorage), 'theme' in localStorage, 'nope' in localStorage]",
                r#"[["rail","theme"],true,false]"#,
            ),
            ("(delete localStorage.theme, localStorage.getItem('theme'))", "null"),
            ("(localStorage.setItem('gone', 'x'), localStorage.removeItem('gone'), localStorage.length)", "1"),
            // The interface's own members are not shadowed by items of the same name.
            ("(localStorage.setItem('getItem', 'x'), typeof localStorage.getItem)", "function"),
            ("(localStorage.removeItem('getItem'), localStorage instanceof Storage)", "true"),
            ("(sessionStorage.setItem('s', 'only this run'), sessionStorage.getItem('s'))", "only this run"),
            ("localStorage.getItem('s')", "null"),
            ("(localStorage.setItem('lone', 'a\\ud800'), localStorage.getItem('lone').charCodeAt(1))", "65533"),
        ],
    );
    drop(rt);
    // The next launch finds localStorage as it was left, and sessionStorage empty.
    let (mut rt, lines) = runtime_with("storage-again", Some(&file), Limits::default());
    check_in(
        &mut rt,
        &lines,
        &[
            ("[localStorage.getItem('rail'), localStorage.length, sessionStorage.length]", r#"["3",2,0]"#),
            ("(localStorage.clear(), localStorage.length)", "0"),
        ],
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "{}");
}

#[test]
fn storage_past_its_quota_throws_and_keeps_what_it_had() {
    let limits = Limits { storage: 100, ..Limits::default() };
    let (mut rt, lines) = runtime_with("quota", None, limits);
    check_in(
        &mut rt,
        &lines,
        &[
            ("(localStorage.setItem('k', 'x'.repeat(40)), localStorage.getItem('k').length)", "40"),
            ("localStorage.setItem('k2', 'x'.repeat(10))", "throws QuotaExceededError (22)"),
            ("[localStorage.length, localStorage.getItem('k').length]", "[1,40]"),
            ("(localStorage.big = 'x'.repeat(100))", "throws QuotaExceededError (22)"),
            ("sessionStorage.setItem('k', 'x'.repeat(60))", "throws QuotaExceededError (22)"),
        ],
    );
}

#[test]
fn a_damaged_storage_file_is_set_aside_and_the_app_told() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("local-storage.json");
    std::fs::write(&file, "{ not json").unwrap();
    let (mut rt, lines) = runtime_with("damaged", Some(&file), Limits::default());
    let warning = lines.borrow().0.first().cloned().unwrap();
    assert_eq!(warning.0, Level::Warn);
    assert!(warning.1.starts_with("localStorage: ") && warning.1.contains("moved to"), "{warning:?}");
    check_in(&mut rt, &lines, &[("(localStorage.setItem('a', 'b'), localStorage.length)", "1")]);
    assert_eq!(std::fs::read_to_string(file.with_extension("corrupt")).unwrap(), "{ not json");
}
