//! Reusable styles apply exactly as their declarations would one by one: the same scene built
//! with `define-style`, `use-style` and `create … style … in …` and built with plain `create`,
//! `style`, `state` and `append` commands gives the same frames, byte for byte, through focus
//! moves (state styles), a z-index and text properties.

use marquee_engine::Engine;
use marquee_test_support::scene;

fn frames(src: &str) -> Vec<Vec<u8>> {
    let mut engine = Engine::with_text(Box::new(marquee_test_support::text_service()));
    let steps = scene::parse(src).unwrap_or_else(|e| panic!("{e}"));
    scene::run(&mut engine, &steps)
}

const STYLED: &str = "
viewport 640 360
define-style 1 flex-direction row column-gap 12px padding-left 20px focus-group row
define-style 2 width 120px height 80px background-color #223344ff focusable yes border-width 4px border-color #00000000 focused:border-color #ffffffff focused:scale-x 1.1 focused:scale-y 1.1 focused:z-index 1
define-style 3 font-size 18px color #ffffffff max-lines 1
create 1 view style 1 in 0
create 2 view style 2 in 1
create 3 view style 2 in 1
create 4 view style 2
style 4 background-color #884422ff
append 1 4
create 5 text style 3 in 2
text 5 \"One\"
create 6 view
use-style 6 2
append 1 6
frame
key right
frame 100
key right
frame 400
";

const PLAIN: &str = "
viewport 640 360
create 1 view
style 1 flex-direction row
style 1 column-gap 12px
style 1 padding-left 20px
style 1 focus-group row
append 0 1
create 2 view
create 3 view
create 4 view
create 6 view
create 5 text
style 5 font-size 18px
style 5 color #ffffffff
style 5 max-lines 1
text 5 \"One\"
append 2 5
";

/// The plain form of style 2 on `id`.
fn tile(id: u32) -> String {
    format!(
        "style {id} width 120px\nstyle {id} height 80px\nstyle {id} background-color #223344ff\n\
         style {id} focusable yes\nstyle {id} border-width 4px\nstyle {id} border-color #00000000\n\
         state {id} focused border-color #ffffffff\nstate {id} focused scale-x 1.1\n\
         state {id} focused scale-y 1.1\nstate {id} focused z-index 1\n"
    )
}

#[test]
fn a_style_applies_as_its_declarations_would_one_by_one() {
    let plain = format!(
        "{PLAIN}{}{}{}style 4 background-color #884422ff\n{}append 1 2\nappend 1 3\nappend 1 4\nappend 1 6\n\
         frame\nkey right\nframe 100\nkey right\nframe 400\n",
        tile(2),
        tile(3),
        tile(4),
        tile(6)
    );
    let (styled, plain) = (frames(STYLED), frames(&plain));
    assert_eq!(styled.len(), 3);
    if styled != plain {
        let text = |f: &[Vec<u8>]| scene::render_sections(f, &scene::shown_sections("")).unwrap_or_else(|e| e);
        panic!("the styled scene's frames differ from the plain one's:\n{}\n---\n{}", text(&styled), text(&plain));
    }
}
