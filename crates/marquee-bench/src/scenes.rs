//! The benchmark scenes: command scripts with their input, the same for every runner.
//!
//! Each scene is a list of scene steps (`marquee_engine_contract::Step`): batches, keys and
//! frames on a fixed 60 Hz clock, so every run does the same work. Scripts are written in the
//! protocol's text form, which keeps them short and readable.

use marquee_engine_contract::Step;
use marquee_protocol::{Key, KeyAction, text};

/// One frame at 60 Hz.
pub const FRAME_MS: f64 = 1000.0 / 60.0;

/// A scene: its name, what it measures and its steps.
pub struct Scene {
    /// Its name in the results.
    pub name: &'static str,
    /// What it measures, in words.
    pub what: &'static str,
    /// The script.
    pub steps: Vec<Step>,
    /// Whether the first frame (building the scene) counts; else it is reported apart.
    pub first_frame_counts: bool,
    /// A stress scene: runners too slow for it (an interpreter) run only its first frames.
    pub stress: bool,
}

/// Every scene; `quick` shrinks the long ones so the whole suite takes seconds.
pub fn all(quick: bool) -> Vec<Scene> {
    let big = if quick { 2_000 } else { 10_000 };
    vec![
        home("home", 8, 12, "the demo's home page (nav, hero, 8 rails × 12 tiles with poster and title), focus-scroll"),
        home("home-large", 40, 27, "the home page at ~3,300 nodes (40 rails × 27 tiles), focus-scroll"),
        stress_transform(big),
        stress_idle(big),
        stress_layout(big),
        build(if quick { 3 } else { 10 }),
        text_relayout(),
        images(if quick { 100 } else { 500 }),
        virtual_list(10_000, if quick { 120 } else { 400 }),
    ]
}

fn parse(script: &str) -> Vec<marquee_protocol::Command> {
    match text::parse(script) {
        Ok(cmds) => cmds,
        Err(e) => panic!("a benchmark script does not parse: {e}"),
    }
}

/// Frames with nothing but time passing.
fn idle(steps: &mut Vec<Step>, frame: &mut u32, n: u32) {
    for _ in 0..n {
        steps.push(Step::Frame(f64::from(*frame) * FRAME_MS));
        *frame += 1;
    }
}

fn home(name: &'static str, rails: u32, tiles: u32, what: &'static str) -> Scene {
    let mut s = String::from(
        "viewport 1280 720\nstyle 0 flex-direction column\nstyle 0 background-color #0b0e14ff\n\
         create 1 view\nappend 0 1\nstyle 1 height 72px\nstyle 1 flex-shrink 0\nstyle 1 padding-left 64px\n\
         style 1 align-items center\nstyle 1 column-gap 20px\nstyle 1 focus-group row\n",
    );
    let mut id = 2;
    for item in ["Home", "Movies", "Series", "Kids", "My list"] {
        let (box_, label) = (id, id + 1);
        id += 2;
        s += &format!(
            "create {box_} view\nappend 1 {box_}\nstyle {box_} height 36px\nstyle {box_} padding-left 14px\n\
             style {box_} padding-right 14px\nstyle {box_} focusable yes\nstyle {box_} align-items center\n\
             state {box_} focused background-color #ffffff33\ncreate {label} text\nappend {box_} {label}\n\
             style {label} font-size 17px\nstyle {label} color #ffffffcc\ntext {label} \"{item}\"\n"
        );
    }
    let page = id;
    id += 1;
    s += &format!(
        "create {page} view\nappend 0 {page}\nstyle {page} flex-grow 1\nstyle {page} flex-direction column\n\
         style {page} overflow scroll\nstyle {page} scroll-align start\nstyle {page} focus-group column\n"
    );
    let (hero, backdrop, title, synopsis) = (id, id + 1, id + 2, id + 3);
    id += 4;
    s += &format!(
        "create {hero} view\nappend {page} {hero}\nstyle {hero} height 300px\nstyle {hero} flex-shrink 0\n\
         style {hero} margin-left 64px\nstyle {hero} margin-right 64px\nstyle {hero} flex-direction column\n\
         style {hero} justify-content flex-end\nstyle {hero} padding-left 40px\nstyle {hero} padding-bottom 36px\n\
         style {hero} background-color #23395bff\nstyle {hero} overflow clip\n\
         create {backdrop} image\nappend {hero} {backdrop}\nstyle {backdrop} position absolute\n\
         style {backdrop} right 0px\nstyle {backdrop} top 0px\nstyle {backdrop} width 50%\nstyle {backdrop} height 100%\n\
         style {backdrop} object-fit cover\nimage {backdrop} \"assets/posters/hero.jpg\"\n\
         create {title} text\nappend {hero} {title}\nstyle {title} font-size 40px\nstyle {title} font-weight 700\n\
         style {title} color #ffffffff\ntext {title} \"The Lighthouse Keeper\"\n\
         create {synopsis} text\nappend {hero} {synopsis}\nstyle {synopsis} width 520px\nstyle {synopsis} max-lines 3\n\
         style {synopsis} text-overflow ellipsis\nstyle {synopsis} color #ffffffcc\n\
         text {synopsis} \"On a rock at the edge of the charts, a keeper who has not spoken to anyone in eleven years \
         finds a stranger washed up below the lamp, and a logbook that records storms which have not happened yet.\"\n"
    );
    for r in 0..rails {
        let (block, label, track) = (id, id + 1, id + 2);
        id += 3;
        s += &format!(
            "create {block} view\nappend {page} {block}\nstyle {block} flex-direction column\nstyle {block} flex-shrink 0\n\
             create {label} text\nappend {block} {label}\nstyle {label} margin-left 64px\nstyle {label} font-size 20px\n\
             style {label} color #ffffffdd\ntext {label} \"Rail {r}\"\n\
             create {track} view\nappend {block} {track}\nstyle {track} column-gap 20px\nstyle {track} padding-left 64px\n\
             style {track} padding-top 12px\nstyle {track} padding-bottom 12px\nstyle {track} overflow scroll\n\
             style {track} scroll-align start\nstyle {track} focus-group row\n"
        );
        for t in 0..tiles {
            let (tile, poster, caption) = (id, id + 1, id + 2);
            id += 3;
            s += &format!(
                "create {tile} view\nappend {track} {tile}\nstyle {tile} width 240px\nstyle {tile} height 136px\n\
                 style {tile} flex-shrink 0\nstyle {tile} focusable yes\nstyle {tile} border-width 4px\n\
                 style {tile} overflow clip\nstyle {tile} flex-direction column\nstyle {tile} justify-content flex-end\n\
                 style {tile} background-color #{:06x}ff\nstate {tile} focused scale-x 1.06\n\
                 state {tile} focused scale-y 1.06\nstate {tile} focused border-color #ffffffff\n\
                 create {poster} image\nappend {tile} {poster}\nstyle {poster} position absolute\n\
                 style {poster} width 100%\nstyle {poster} height 100%\nstyle {poster} object-fit cover\n\
                 image {poster} \"assets/posters/{:02}.jpg\"\n\
                 create {caption} text\nappend {tile} {caption}\nstyle {caption} margin-left 12px\n\
                 style {caption} font-size 18px\nstyle {caption} font-weight 700\nstyle {caption} color #ffffffff\n\
                 text {caption} \"Title {r}-{t}\"\n",
                0x203040 + (r * 13 + t) * 0x050301 % 0xa0a0a0,
                (r * tiles + t) % 44 + 1
            );
        }
    }
    let mut steps = vec![Step::Batch(parse(&s))];
    let mut frame = 0;
    idle(&mut steps, &mut frame, 10);
    // Down into the hero, down into the first rail, across it, then down the rails.
    let keys = [Key::Down, Key::Down]
        .into_iter()
        .chain(std::iter::repeat_n(Key::Right, 11))
        .chain(std::iter::repeat_n(Key::Down, 7));
    for key in keys {
        steps.push(Step::Key(key, KeyAction::Press));
        idle(&mut steps, &mut frame, 6);
    }
    idle(&mut steps, &mut frame, 30);
    Scene { name, what, steps, first_frame_counts: false, stress: false }
}

fn stress_transform(nodes: u32) -> Scene {
    let mut s = String::from("viewport 1280 720\nstyle 0 flex-wrap wrap\n");
    for i in 1..=nodes {
        s += &format!(
            "create {i} view\nappend 0 {i}\nstyle {i} width 10px\nstyle {i} height 6px\nstyle {i} background-color #{:06x}ff\n\
             animate {i} translate-x {}px duration 1000 easing ease-in-out repeat infinite alternate\n\
             animate {i} opacity 0.2 duration 700 repeat infinite alternate\n",
            i.wrapping_mul(2_654_435_761) >> 8,
            (i % 7) * 3 + 4
        );
    }
    let mut steps = vec![Step::Batch(parse(&s))];
    idle(&mut steps, &mut 0, 120);
    Scene {
        name: "stress-transform",
        what: if nodes >= 10_000 {
            "10,000 nodes animating translate and opacity"
        } else {
            "stress-transform, smaller (quick mode)"
        },
        steps,
        first_frame_counts: false,
        stress: true,
    }
}

fn stress_idle(nodes: u32) -> Scene {
    let mut s = String::from("viewport 1280 720\nstyle 0 flex-wrap wrap\n");
    for i in 1..=nodes {
        s += &format!(
            "create {i} view\nappend 0 {i}\nstyle {i} width 10px\nstyle {i} height 6px\nstyle {i} background-color #{:06x}ff\n",
            i.wrapping_mul(2_654_435_761) >> 8
        );
    }
    let mut steps = vec![Step::Batch(parse(&s))];
    idle(&mut steps, &mut 0, 120);
    Scene {
        name: "stress-idle",
        what: if nodes >= 10_000 {
            "10,000 nodes standing still: frames where nothing changes"
        } else {
            "stress-idle, smaller (quick mode)"
        },
        steps,
        first_frame_counts: false,
        stress: true,
    }
}

fn stress_layout(nodes: u32) -> Scene {
    let mut s =
        String::from("viewport 1280 720\ncreate 1 view\nappend 0 1\nstyle 1 width 1280px\nstyle 1 flex-wrap wrap\n");
    for i in 2..nodes + 2 {
        s += &format!(
            "create {i} view\nappend 1 {i}\nstyle {i} flex-grow 1\nstyle {i} min-width 8px\nstyle {i} height 6px\n\
             style {i} layout-duration 300\nstyle {i} background-color #{:06x}ff\n",
            i.wrapping_mul(2_654_435_761) >> 8
        );
    }
    let mut steps = vec![Step::Batch(parse(&s))];
    let mut frame = 0;
    // The scene is built at full width; from the second frame the container narrows and widens
    // every 10 frames, so the 300 ms glides overlap and every frame has layout animating.
    idle(&mut steps, &mut frame, 1);
    for k in 0..12 {
        let width = [900, 1280, 700, 1100][k % 4];
        steps.push(Step::Batch(parse(&format!("style 1 width {width}px"))));
        idle(&mut steps, &mut frame, 10);
    }
    Scene {
        name: "stress-layout",
        what: if nodes >= 10_000 {
            "10,000 nodes in a wrapping row gliding to new boxes (layout-duration)"
        } else {
            "stress-layout, smaller (quick mode)"
        },
        steps,
        first_frame_counts: false,
        stress: true,
    }
}

fn build(rounds: u32) -> Scene {
    let mut steps = Vec::new();
    let mut frame = 0;
    // The nodes share one reusable style and are attached as they are created: what the SDK
    // sends for `parent.append(app.view(style))`.
    steps.push(Step::Batch(parse(
        "viewport 1280 720\nstyle 0 flex-wrap wrap\ndefine-style 1 width 20px height 20px background-color #336699ff",
    )));
    for round in 0..rounds {
        let (mut create, mut update, mut destroy) = (String::new(), String::new(), String::new());
        for i in 1..=1000 {
            create += &format!("create {i} view style 1 in 0\n");
            update +=
                &format!("style {i} background-color #{:06x}ff\nstyle {i} width {}px\n", i * 977 + round, 16 + i % 8);
            destroy += &format!("destroy {i}\n");
        }
        for script in [create, update, destroy] {
            steps.push(Step::Batch(parse(&script)));
            idle(&mut steps, &mut frame, 1);
        }
    }
    Scene {
        name: "build",
        what: "create 1,000 nodes, update all, destroy all, a frame after each",
        steps,
        first_frame_counts: true,
        stress: false,
    }
}

fn text_relayout() -> Scene {
    let mut s = String::from(
        "viewport 1280 720\ncreate 1 view\nappend 0 1\nstyle 1 width 600px\nstyle 1 flex-direction column\n",
    );
    for i in 2..202 {
        s += &format!(
            "create {i} text\nappend 1 {i}\nstyle {i} font-size 14px\n\
             text {i} \"Paragraph {i}: a keeper who has not spoken to anyone in eleven years finds a stranger below the lamp.\"\n"
        );
    }
    let mut steps = vec![Step::Batch(parse(&s))];
    let mut frame = 0;
    for k in 0..100 {
        steps.push(Step::Batch(parse(&format!("style 1 width {}px", 300 + (k * 37) % 500))));
        idle(&mut steps, &mut frame, 1);
    }
    Scene {
        name: "text",
        what: "200 text nodes re-laid out at a new width every frame",
        steps,
        first_frame_counts: false,
        stress: false,
    }
}

fn images(posters: u32) -> Scene {
    let per_row = 50;
    let rows = posters.div_ceil(per_row);
    let mut s = String::from(
        "viewport 1280 720\ncreate 1 view\nappend 0 1\nstyle 1 flex-direction column\nstyle 1 row-gap 20px\n",
    );
    let mut id = 2;
    let mut first_tiles = Vec::new();
    for r in 0..rows {
        let row = id;
        id += 1;
        s += &format!("create {row} view\nappend 1 {row}\nstyle {row} column-gap 20px\nstyle {row} flex-shrink 0\n");
        for t in 0..per_row.min(posters - r * per_row) {
            if t == 0 {
                first_tiles.push(id);
            }
            s += &format!(
                "create {id} image\nappend {row} {id}\nstyle {id} width 240px\nstyle {id} height 136px\nstyle {id} flex-shrink 0\n\
                 style {id} object-fit cover\nstyle {id} placeholder-color #333333ff\nstyle {id} fade-in-duration 0\n\
                 image {id} \"posters/{r}-{t}.jpg\"\n"
            );
            id += 1;
        }
    }
    // 24 posters' worth of textures (320 × 180 × 4 bytes each).
    let mut steps = vec![Step::Budget(24 * 320 * 180 * 4), Step::Batch(parse(&s))];
    let mut frame = 0;
    for k in 0..200u32 {
        let offset = (k * 97) % (per_row * 260 - 1280);
        let script: String = first_tiles.iter().map(|t| format!("style {t} margin-left -{offset}px\n")).collect();
        steps.push(Step::Batch(parse(&script)));
        idle(&mut steps, &mut frame, 1);
    }
    Scene {
        name: "images",
        what: if posters >= 500 {
            "scrolling through 500 posters under a 24-poster texture budget"
        } else {
            "images, smaller (quick mode)"
        },
        steps,
        first_frame_counts: false,
        stress: false,
    }
}

/// Slots `app.virtualList` keeps alive by default: 12 items beyond the focused one on each side.
const VIRTUAL_LIVE: u32 = 25;
const VIRTUAL_AHEAD: u32 = 12;

/// A rail of `items` programmes as `app.virtualList` (sdk/src/virtual-list.js) shows it: a window of
/// 25 slots between two spacers, focus stepping along it `steps` times with the Right key, and a
/// frame after each key the batch the SDK sends on the focus event (the slot leaving the window's
/// start moved to its end and refilled, the spacers resized), as an app thread one frame behind.
fn virtual_list(items: u32, steps: u32) -> Scene {
    const STRIDE: u32 = 260;
    let (list, lead, tail) = (1, 2, 3);
    let mut s = format!(
        "viewport 1280 720\nstyle 0 flex-direction column\nstyle 0 background-color #0b0e14ff\n\
         create {list} view\nappend 0 {list}\nstyle {list} height 200px\nstyle {list} flex-shrink 0\n\
         style {list} padding-left 64px\nstyle {list} padding-top 12px\nstyle {list} overflow scroll\n\
         style {list} scroll-align start\nstyle {list} focus-group row\n\
         create {lead} view\nappend {list} {lead}\nstyle {lead} flex-shrink 0\nstyle {lead} height 1px\nstyle {lead} width 0px\n"
    );
    let slot = |k: u32| 4 + 2 * k;
    for k in 0..VIRTUAL_LIVE {
        let (tile, title) = (slot(k), slot(k) + 1);
        s += &format!(
            "create {tile} view\nappend {list} {tile}\nstyle {tile} width 240px\nstyle {tile} height 136px\n\
             style {tile} flex-shrink 0\nstyle {tile} margin-right 20px\nstyle {tile} focusable yes\n\
             style {tile} border-width 4px\nstyle {tile} background-color #{:06x}ff\n\
             state {tile} focused scale-x 1.06\nstate {tile} focused scale-y 1.06\nstate {tile} focused border-color #ffffffff\n\
             create {title} text\nappend {tile} {title}\nstyle {title} font-size 18px\nstyle {title} color #ffffffff\n\
             text {title} \"Programme {k}\"\n",
            0x203040 + k * 0x050301 % 0xa0a0a0
        );
    }
    s += &format!(
        "create {tail} view\nappend {list} {tail}\nstyle {tail} flex-shrink 0\nstyle {tail} height 1px\n\
         style {tail} width {}px\nfocus {}\n",
        (items - VIRTUAL_LIVE) * STRIDE,
        slot(0)
    );
    let mut steps_out = vec![Step::Batch(parse(&s))];
    let mut frame = 0;
    idle(&mut steps_out, &mut frame, 10);
    // The window: its first item and its slots in order.
    let (mut first, mut ring): (u32, std::collections::VecDeque<u32>) = (0, (0..VIRTUAL_LIVE).map(slot).collect());
    for focused in 1..=steps {
        steps_out.push(Step::Key(Key::Right, KeyAction::Press));
        idle(&mut steps_out, &mut frame, 1);
        if focused + VIRTUAL_AHEAD > first + VIRTUAL_LIVE - 1 && first + VIRTUAL_LIVE < items {
            let moved = ring.pop_front().unwrap_or_default();
            ring.push_back(moved);
            first += 1;
            steps_out.push(Step::Batch(parse(&format!(
                "insert {list} {moved} before {tail}\ntext {} \"Programme {}\"\nstyle {lead} width {}px\nstyle {tail} width {}px\n",
                moved + 1,
                first + VIRTUAL_LIVE - 1,
                first * STRIDE,
                (items - first - VIRTUAL_LIVE) * STRIDE
            ))));
        }
        idle(&mut steps_out, &mut frame, 5);
    }
    idle(&mut steps_out, &mut frame, 30);
    Scene {
        name: "virtual-list",
        what: if steps >= 400 {
            "a rail of 10,000 programmes through app.virtualList's 25 slots, 400 steps of focus"
        } else {
            "virtual-list, fewer steps (quick mode)"
        },
        steps: steps_out,
        first_frame_counts: false,
        stress: false,
    }
}
