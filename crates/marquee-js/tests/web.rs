//! The web platform's small pieces in the app runtime (`web.js`), each expression against what
//! the web platform gives for it (the tables were checked in Node 20, whose globals follow the
//! same standards, and Web Storage's in Chromium; where this runtime differs, a comment says so).

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use marquee_js::{AppRuntime, Host, Level, Limits};

#[derive(Default)]
struct Lines(Vec<(Level, String)>, Option<PathBuf>, Option<Arc<marquee_net::Client>>, Vec<String>);

impl Host for Lines {
    fn send(&mut self, _: Vec<u8>) {}
    fn log(&mut self, level: Level, message: &str) {
        self.0.push((level, message.to_string()));
    }
    fn local_storage(&self) -> Option<PathBuf> {
        self.1.clone()
    }
    fn network(&self) -> Option<Arc<marquee_net::Client>> {
        self.2.clone()
    }
    fn languages(&self) -> Vec<String> {
        if self.3.is_empty() { vec!["en-US".into()] } else { self.3.clone() }
    }
}

fn runtime(name: &str) -> (AppRuntime, Rc<RefCell<Lines>>) {
    runtime_with(name, None, Limits::default(), &[])
}

/// A runtime whose `localStorage` persists in `storage`, if given, on a device whose languages
/// are `languages` (none: en-US).
fn runtime_with(
    name: &str,
    storage: Option<&Path>,
    limits: Limits,
    languages: &[&str],
) -> (AppRuntime, Rc<RefCell<Lines>>) {
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
    let lines = Rc::new(RefCell::new(Lines(
        Vec::new(),
        storage.map(Path::to_path_buf),
        None,
        languages.iter().map(|l| l.to_string()).collect(),
    )));
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
            // The host's languages (this one's default), frozen.
            (
                "[navigator.language, navigator.languages, Object.isFrozen(navigator.languages)]",
                r#"["en-US",["en-US"],true]"#,
            ),
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
    let (mut rt, lines) = runtime_with("storage", Some(&file), Limits::default(), &[]);
    check_in(
        &mut rt,
        &lines,
        &[
            ("localStorage.getItem('rail')", "null"),
            ("(localStorage.setItem('rail', 3), localStorage.getItem('rail'))", "3"),
            ("(localStorage.theme = 'dark', localStorage.getItem('theme'))", "dark"),
            // The order of keys is the implementation's: here it is sorted (Chromium's is not).
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
            // A key with a lone surrogate is a key like any other (stored as U+FFFD, see below).
            ("(localStorage.setItem('k\\udc00', 'v'), localStorage.getItem('k\\udc00'))", "v"),
            ("(localStorage.removeItem('k\\udc00'), localStorage.length)", "1"),
            ("(sessionStorage.setItem('s', 'only this run'), sessionStorage.getItem('s'))", "only this run"),
            ("localStorage.getItem('s')", "null"),
            // Where this runtime differs: a lone surrogate is stored as U+FFFD (the file is UTF-8).
            ("(localStorage.setItem('lone', 'a\\ud800'), localStorage.getItem('lone').charCodeAt(1))", "65533"),
        ],
    );
    drop(rt);
    // The next launch finds localStorage as it was left, and sessionStorage empty.
    let (mut rt, lines) = runtime_with("storage-again", Some(&file), Limits::default(), &[]);
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
    let (mut rt, lines) = runtime_with("quota", None, limits, &[]);
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
    let (mut rt, lines) = runtime_with("damaged", Some(&file), Limits::default(), &[]);
    let warning = lines.borrow().0.first().cloned().unwrap();
    assert_eq!(warning.0, Level::Warn);
    assert!(warning.1.starts_with("localStorage: ") && warning.1.contains("moved to"), "{warning:?}");
    check_in(&mut rt, &lines, &[("(localStorage.setItem('a', 'b'), localStorage.length)", "1")]);
    assert_eq!(std::fs::read_to_string(file.with_extension("corrupt")).unwrap(), "{ not json");
}

#[test]
fn urls_parse_resolve_and_set_as_the_url_standard_says() {
    check(
        "url",
        &[
            (
                "new URL('https://user:pw@Example.COM:443/a/../b/./c?x=1#top').href",
                "https://user:pw@example.com/b/c?x=1#top",
            ),
            (
                "(() => { const u = new URL('http://api.example.com:8080/v1/items?page=2&q=a+b#f'); return [u.protocol, u.host, u.hostname, u.port, u.pathname, u.search, u.hash, u.origin]; })()",
                r##"["http:","api.example.com:8080","api.example.com","8080","/v1/items","?page=2&q=a+b","#f","http://api.example.com:8080"]"##,
            ),
            (
                "new URL('../img/poster.jpg', 'https://cdn.example.com/app/pages/home.html').href",
                "https://cdn.example.com/app/img/poster.jpg",
            ),
            ("new URL('//other.example/x', 'https://a.example/y').href", "https://other.example/x"),
            ("new URL('https://例え.jp/パス').href", "https://xn--r8jz45g.jp/%E3%83%91%E3%82%B9"),
            ("new URL('file:///tmp/a b').href", "file:///tmp/a%20b"),
            ("new URL('not a url')", "throws TypeError"),
            ("new URL('/relative')", "throws TypeError"),
            ("new URL('x', 'not a base')", "throws TypeError"),
            (
                "[URL.canParse('https://a.b'), URL.canParse('nope'), URL.canParse('/p', 'https://a.b'), URL.parse('nope')]",
                "[true,false,true,null]",
            ),
            (
                "(() => { const u = new URL('https://a.example/p'); u.pathname = '/q r'; u.search = 'x=1'; u.hash = 'h'; u.port = '8443'; u.hostname = 'b.example'; return u.href; })()",
                "https://b.example:8443/q%20r?x=1#h",
            ),
            // A port the URL cannot take leaves it as it was; a default port is dropped.
            (
                "(() => { const u = new URL('https://a.example:8443/'); u.port = 'nope'; const a = u.port; u.port = '443'; return [a, u.port, u.href]; })()",
                r#"["8443","","https://a.example/"]"#,
            ),
            (
                "(() => { const u = new URL('https://a.example/'); u.protocol = 'http'; return u.href; })()",
                "http://a.example/",
            ),
            ("JSON.stringify({ u: new URL('https://a.example/x') })", r#"{"u":"https://a.example/x"}"#),
            ("String(new URL('https://a.example'))", "https://a.example/"),
        ],
    );
}

#[test]
fn search_params_encode_as_forms_do_and_stay_in_step_with_their_url() {
    check(
        "params",
        &[
            ("new URLSearchParams('?q=a+b&x=%C3%A9&x=2&flag').toString()", "q=a+b&x=%C3%A9&x=2&flag="),
            ("[...new URLSearchParams('q=a+b&x=%C3%A9&x=2')]", r#"[["q","a b"],["x","é"],["x","2"]]"#),
            ("new URLSearchParams({ q: 'ç & =', n: 5 }).toString()", "q=%C3%A7+%26+%3D&n=5"),
            ("new URLSearchParams([['a', '1'], ['b', '2']]).get('b')", "2"),
            ("new URLSearchParams([['a']])", "throws TypeError"),
            (
                "(() => { const p = new URLSearchParams('b=2&a=1&b=3&c=4'); const all = p.getAll('b'); p.set('b', 'x'); p.delete('c'); p.append('a', '0'); p.sort(); return [all, p.toString(), p.has('a', '0'), p.has('c'), p.get('zz'), p.size]; })()",
                r#"[["2","3"],"a=1&a=0&b=x",true,false,null,3]"#,
            ),
            (
                "(() => { const u = new URL('https://a.example/s?q=old&page=1'); u.searchParams.set('q', 'new one'); u.searchParams.delete('page'); const a = u.href; u.search = '?k=v'; const b = u.searchParams.get('k'); u.searchParams.delete('k'); return [a, b, u.href]; })()",
                r#"["https://a.example/s?q=new+one","v","https://a.example/s"]"#,
            ),
            (
                "(() => { const u = new URL('https://a.example/'); const p = u.searchParams; u.href = 'https://b.example/?z=1'; return [p === u.searchParams, p.get('z')]; })()",
                r#"[true,"1"]"#,
            ),
        ],
    );
}

#[test]
fn headers_responses_and_abort_signals_behave_as_the_fetch_standard_says() {
    check(
        "fetch-classes",
        &[
            (
                "(() => { const h = new Headers({ 'Content-Type': 'text/plain' }); h.append('X-A', '1'); h.append('x-a', ' 2 '); h.set('set-cookie', 'a=1'); h.append('Set-Cookie', 'b=2'); return [h.get('x-a'), h.has('CONTENT-TYPE'), [...h]]; })()",
                r#"["1, 2",true,[["content-type","text/plain"],["set-cookie","a=1"],["set-cookie","b=2"],["x-a","1, 2"]]]"#,
            ),
            ("new Headers([['bad name', 'x']])", "throws TypeError"),
            ("new Headers({ a: 'café €' })", "throws TypeError"),
            ("new Headers({ a: 'x\\ny' })", "throws TypeError"),
            (
                "(() => { const h = new Headers([['a', '1'], ['b', '2']]); h.delete('A'); return [...h.keys()]; })()",
                r#"["b"]"#,
            ),
            (
                "(() => { const r = new Response('hé', { status: 201, statusText: 'Made', headers: { 'x-n': '1' } }); return [r.status, r.ok, r.statusText, r.headers.get('content-type'), r.bodyUsed]; })()",
                r#"[201,true,"Made","text/plain;charset=UTF-8",false]"#,
            ),
            ("new Response(null, { status: 99 })", "throws RangeError"),
            (
                "[new Response(null, { status: 404 }).ok, Response.json({ a: 1 }).headers.get('content-type')]",
                r#"[false,"application/json"]"#,
            ),
            (
                "(() => { const c = new AbortController(); const seen = []; c.signal.addEventListener('abort', () => seen.push('listener')); c.signal.onabort = () => seen.push('onabort'); c.abort(); c.abort(); return [c.signal.aborted, c.signal.reason.name, seen]; })()",
                r#"[true,"AbortError",["listener","onabort"]]"#,
            ),
            (
                "(() => { const s = AbortSignal.abort('why'); try { s.throwIfAborted(); } catch (e) { return e; } })()",
                "why",
            ),
            ("new AbortSignal()", "throws TypeError"),
            ("AbortSignal.any([new AbortController().signal, AbortSignal.abort('first')]).reason", "first"),
        ],
    );
}

#[test]
fn bodies_are_read_once_and_fetch_without_a_network_rejects() {
    let (mut rt, lines) = runtime("fetch-bodies");
    rt.eval(
        "(async () => {\n\
           const r = new Response(new Uint8Array([123, 34, 97, 34, 58, 49, 125]));\n\
           const c = r.clone();\n\
           console.log(JSON.stringify(await r.json()), (await c.arrayBuffer()).byteLength, r.bodyUsed);\n\
           await r.text().catch((e) => console.log('again', e.name));\n\
           await fetch('https://api.example.com/').catch((e) => console.log('offline', e.name, e.message));\n\
           await fetch('relative/path').catch((e) => console.log('relative', e.name));\n\
           await fetch('https://api.example.com/', { method: 'GET', body: 'x' }).catch((e) => console.log('get body', e.name));\n\
           await fetch('https://api.example.com/', { method: 'G T' }).catch((e) => console.log('bad method', e.name));\n\
           const s = AbortSignal.abort();\n\
           await fetch('https://api.example.com/', { signal: s }).catch((e) => console.log('aborted first', e.name));\n\
         })()",
    )
    .unwrap();
    let said: Vec<String> = lines.borrow().0.iter().map(|(_, l)| l.clone()).collect();
    assert_eq!(
        said,
        [
            r#"{"a":1} 7 true"#,
            "again TypeError",
            "offline TypeError fetch https://api.example.com/: this host gives apps no network",
            "relative TypeError",
            "get body TypeError",
            "bad method TypeError",
            "aborted first AbortError",
        ]
    );
}

/// `WebSocket` against an echo server on 127.0.0.1, through a real network client: the events in
/// order, text and binary both ways, the subprotocol, closing codes, and what the constructor and
/// `close` refuse.
#[test]
fn websockets_fire_their_events_in_order() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::Builder::new()
        .name("echo".into())
        .spawn(move || {
            let Some(Ok(stream)) = listener.incoming().next() else { return };
            #[allow(clippy::result_large_err, reason = "the handshake callback's type is tungstenite's")]
            let choose = |_: &tungstenite::handshake::server::Request,
                          mut res: tungstenite::handshake::server::Response| {
                res.headers_mut().insert("sec-websocket-protocol", "chat".parse().unwrap());
                Ok(res)
            };
            let Ok(mut ws) = tungstenite::accept_hdr(stream, choose) else { return };
            while let Ok(m) = ws.read() {
                if (m.is_text() || m.is_binary()) && ws.send(m).is_err() {
                    return;
                }
            }
        })
        .unwrap();
    let policy = marquee_net::Policy { origins: vec![format!("http://127.0.0.1:{port}")], ..Default::default() };
    let client = Arc::new(marquee_net::Client::new(policy, Box::new(|| ())).unwrap());
    let dir = std::env::temp_dir().join(format!("marquee-js-web-{}-ws", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("main.js"), "").unwrap();
    let lines = Rc::new(RefCell::new(Lines(Vec::new(), None, Some(client.clone()), Vec::new())));
    let mut rt =
        AppRuntime::start(&dir, &dir.join("main.js"), (1280.0, 720.0), Limits::default(), lines.clone()).unwrap();
    rt.eval(&format!(
        "const ws = new WebSocket('ws://127.0.0.1:{port}/live', ['chat']);\n\
         const said = (...a) => console.log(a.join(' '));\n\
         said('state', ws.readyState, ws.url);\n\
         try {{ ws.send('early'); }} catch (e) {{ said('early', e.name); }}\n\
         ws.onopen = () => {{ said('open', ws.readyState, ws.protocol); ws.send('hi'); ws.send(new Uint8Array([7, 8])); }};\n\
         ws.addEventListener('message', (e) => {{\n\
           said('message', typeof e.data === 'string' ? e.data : [...new Uint8Array(e.data)].join(','));\n\
           if (typeof e.data !== 'string') ws.close(4000, 'enough');\n\
         }});\n\
         ws.onclose = (e) => said('close', e.code, e.reason, e.wasClean, ws.readyState);\n\
         try {{ ws.close(1001); }} catch (e) {{ said('bad code', e.name); }}\n\
         try {{ new WebSocket('ftp://127.0.0.1/'); }} catch (e) {{ said('scheme', e.name); }}\n\
         try {{ new WebSocket('ws://localhost:{port}/'); }} catch (e) {{ said('origin', e.name); }}\n"
    ))
    .unwrap();
    let end = Instant::now() + Duration::from_secs(20);
    while !lines.borrow().0.iter().any(|(_, l)| l.starts_with("close")) {
        assert!(Instant::now() < end, "{:?}", lines.borrow().0);
        std::thread::sleep(Duration::from_millis(10));
        rt.run_network().unwrap();
    }
    let said: Vec<String> = lines.borrow().0.iter().map(|(_, l)| l.clone()).collect();
    assert_eq!(
        said,
        [
            format!("state 0 ws://127.0.0.1:{port}/live"),
            "early InvalidStateError".into(),
            "bad code InvalidAccessError".into(),
            "scheme SyntaxError".into(),
            "origin SecurityError".into(),
            "open 1 chat".into(),
            "message hi".into(),
            "message 7,8".into(),
            "close 4000 enough true 3".into(),
        ]
    );
    assert!(!rt.network_pending(), "a closed socket leaves nothing pending");
}

#[test]
fn intl_formats_in_the_locale_asked_for_or_the_devices() {
    // The expressions and what Node 20 gives, except where a comment says otherwise; T is
    // 2023-11-14T22:13:20Z.
    let cases = [
        (
            "new Intl.DateTimeFormat('de', { dateStyle: 'full', timeZone: 'UTC' }).format(T)",
            "Dienstag, 14. November 2023",
        ),
        ("new Date(T).toLocaleTimeString('ar-EG', { timeZone: 'UTC' })", "١٠:١٣:٢٠ م"),
        ("new Date(T).toLocaleDateString('ja', { timeZone: 'Asia/Tokyo' })", "2023/11/15"),
        // CLDR's U+202F before PM, which V8 turns back into a space.
        ("new Date(T).toLocaleString('en-US', { timeZone: 'America/New_York' })", "11/14/2023, 5:13:20\u{202f}PM"),
        ("(1234567.891).toLocaleString('de')", "1.234.567,891"),
        ("(0.256).toLocaleString('fr', { style: 'percent' })", "26\u{a0}%"),
        ("new Intl.NumberFormat('ja', { style: 'currency', currency: 'JPY' }).format(1234.5)", "￥1,235"),
        (
            "Intl.NumberFormat('en').formatToParts(-1234.5).map((p) => p.type).join()",
            "minusSign,integer,group,integer,decimal,fraction",
        ),
        ("['b', 'a', 'ä', 'z'].sort(new Intl.Collator('sv').compare).join('')", "abzä"),
        ("'a'.localeCompare('B')", "-1"),
        ("'10'.localeCompare('9', undefined, { numeric: true })", "1"),
        ("new Intl.PluralRules('ar').select(3)", "few"),
        ("new Intl.PluralRules('en', { type: 'ordinal' }).select(22)", "two"),
        ("Intl.getCanonicalLocales(['EN-us', 'zh-hant'])", r#"["en-US","zh-Hant"]"#),
        ("Intl.DateTimeFormat.supportedLocalesOf(['qaa', 'he'])", r#"["he"]"#),
        ("Object.prototype.toString.call(new Intl.Collator())", "[object Intl.Collator]"),
        ("new Date(NaN).toLocaleString()", "Invalid Date"),
        ("typeof Intl.DateTimeFormat().resolvedOptions().timeZone", "string"),
        (
            "new Intl.NumberFormat('en', { maximumFractionDigits: 0 }).format === new Intl.NumberFormat('en').format",
            "false",
        ),
        ("(() => { const f = new Intl.NumberFormat('en'); return f.format === f.format; })()", "true"),
        ("Intl.NumberFormat.prototype.format", "throws TypeError"),
        ("new Intl.NumberFormat('en', { style: 'currency' })", "throws TypeError"),
        ("new Intl.NumberFormat('en', { maximumFractionDigits: NaN })", "throws RangeError"),
        ("new Intl.DateTimeFormat('en', { timeZone: 'Nowhere/City' })", "throws RangeError"),
        ("new Intl.DateTimeFormat('en_US')", "throws RangeError"),
        ("new Intl.DateTimeFormat('en', { dateStyle: 'short', hour: 'numeric' })", "throws TypeError"),
        ("new Date(T).toLocaleDateString('en', { timeStyle: 'short' })", "throws TypeError"),
        ("new Intl.DateTimeFormat('en', { timeZone: 'UTC' }).format(8.64e15 + 1)", "throws RangeError"),
        ("Intl.DateTimeFormat(null)", "throws TypeError"),
        // A lone surrogate reaches the collator as U+FFFD (Node compares the code units: -1).
        ("'\\uD800'.localeCompare('\\uFFFD')", "0"),
    ];
    let (mut rt, lines) = runtime("intl");
    rt.eval("globalThis.T = 1700000000000;").unwrap();
    check_in(&mut rt, &lines, &cases);

    // With no locale asked for, the device's (the host's --locale) decides.
    let (mut rt, lines) = runtime_with("intl-device", None, Limits::default(), &["de-DE", "en"]);
    rt.eval("globalThis.T = 1700000000000;").unwrap();
    check_in(
        &mut rt,
        &lines,
        &[
            ("(1234.5).toLocaleString()", "1.234,5"),
            ("new Date(T).toLocaleDateString(undefined, { timeZone: 'UTC' })", "14.11.2023"),
            ("new Intl.Collator().resolvedOptions().locale", "de-DE"),
            ("navigator.language", "de-DE"),
        ],
    );
}
