//! A streaming service's home page as a command stream: top navigation, a hero banner and rails
//! of tiles (poster, title, progress bar), the shape of scene Marquee exists for. Used by tests
//! and layout measurements so they all work on the same realistic tree.
//!
//! `home_page(8, 12)` makes 420 nodes at 1280×720.

use marquee_protocol::{
    AlignItems, Color, Command, Dimension, FlexDirection, JustifyContent, Length, LengthPercentage, NodeId, NodeKind,
    Overflow, StyleDecl,
};

struct Builder {
    cmds: Vec<Command>,
    next: u32,
}

impl Builder {
    fn node(&mut self, parent: u32, styles: &[StyleDecl]) -> u32 {
        let id = self.next;
        self.next += 1;
        self.cmds.push(Command::CreateNode { id: NodeId(id), kind: NodeKind::View });
        for decl in styles {
            self.cmds.push(Command::SetStyle { id: NodeId(id), decl: *decl });
        }
        self.cmds.push(Command::AppendChild { parent: NodeId(parent), child: NodeId(id) });
        id
    }
}

fn px(v: f32) -> Dimension {
    Dimension::Px(v)
}

/// The node id of the first tile of the first rail, for tests that scroll or restyle it.
pub const FIRST_TILE: u32 = 14;

/// Builds the page under the root; node ids start at 1 and are dense.
pub fn home_page(rails: u32, tiles: u32) -> Vec<Command> {
    use StyleDecl as S;
    let mut b = Builder { cmds: vec![Command::SetViewport { width: 1280.0, height: 720.0 }], next: 1 };
    b.cmds.push(Command::SetStyle { id: NodeId::ROOT, decl: S::FlexDirection(FlexDirection::Column) });
    b.cmds.push(Command::SetStyle { id: NodeId::ROOT, decl: S::BackgroundColor(Color(0x0f1014ff)) });

    let nav = b.node(
        0,
        &[
            S::Height(px(72.0)),
            S::FlexShrink(0.0),
            S::AlignItems(AlignItems::Center),
            S::ColumnGap(LengthPercentage::Px(32.0)),
            S::PaddingLeft(LengthPercentage::Px(48.0)),
        ],
    );
    for _ in 0..6 {
        b.node(nav, &[S::Width(px(110.0)), S::Height(px(32.0)), S::BackgroundColor(Color(0x2a2c33ff))]);
    }
    let hero = b.node(
        0,
        &[
            S::Height(px(360.0)),
            S::FlexShrink(0.0),
            S::FlexDirection(FlexDirection::Column),
            S::JustifyContent(JustifyContent::FlexEnd),
            S::PaddingLeft(LengthPercentage::Px(48.0)),
            S::PaddingBottom(LengthPercentage::Px(32.0)),
            S::RowGap(LengthPercentage::Px(16.0)),
            S::BackgroundColor(Color(0x1d3557ff)),
        ],
    );
    b.node(hero, &[S::Width(Dimension::Percent(40.0)), S::Height(px(96.0)), S::BackgroundColor(Color(0xf1faeeff))]);
    b.node(
        hero,
        &[
            S::Width(px(180.0)),
            S::Height(px(48.0)),
            S::BackgroundColor(Color(0xe63946ff)),
            S::RadiusTopLeft(Length(24.0)),
            S::RadiusTopRight(Length(24.0)),
            S::RadiusBottomRight(Length(24.0)),
            S::RadiusBottomLeft(Length(24.0)),
        ],
    );
    let list = b.node(
        0,
        &[
            S::FlexGrow(1.0),
            S::FlexDirection(FlexDirection::Column),
            S::Overflow(Overflow::Clip),
            S::RowGap(LengthPercentage::Px(24.0)),
            S::PaddingTop(LengthPercentage::Px(24.0)),
        ],
    );
    for r in 0..rails {
        let rail = b.node(
            list,
            &[S::FlexDirection(FlexDirection::Column), S::FlexShrink(0.0), S::RowGap(LengthPercentage::Px(12.0))],
        );
        b.node(
            rail,
            &[S::Width(px(320.0)), S::Height(px(28.0)), S::MarginLeft(px(48.0)), S::BackgroundColor(Color(0x3a3d46ff))],
        );
        let row = b.node(
            rail,
            &[
                S::Overflow(Overflow::Clip),
                S::ColumnGap(LengthPercentage::Px(24.0)),
                S::PaddingLeft(LengthPercentage::Px(48.0)),
            ],
        );
        for t in 0..tiles {
            let tile = b.node(
                row,
                &[
                    S::Width(px(240.0)),
                    S::FlexShrink(0.0),
                    S::FlexDirection(FlexDirection::Column),
                    S::RowGap(LengthPercentage::Px(8.0)),
                ],
            );
            let shade = (r * 16 + t * 8) % 200 + 40;
            b.node(
                tile,
                &[
                    S::Height(px(135.0)),
                    S::BackgroundColor(Color(shade << 24 | 0x4080ff)),
                    S::RadiusTopLeft(Length(8.0)),
                    S::RadiusTopRight(Length(8.0)),
                    S::RadiusBottomRight(Length(8.0)),
                    S::RadiusBottomLeft(Length(8.0)),
                ],
            );
            b.node(
                tile,
                &[S::Width(Dimension::Percent(80.0)), S::Height(px(20.0)), S::BackgroundColor(Color(0xc8c8c8ff))],
            );
            b.node(
                tile,
                &[
                    S::Width(Dimension::Percent((t * 7 % 100) as f32)),
                    S::Height(px(4.0)),
                    S::BackgroundColor(Color(0xe63946ff)),
                ],
            );
        }
    }
    b.cmds
}
