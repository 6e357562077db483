//! Several dumps opened together (issue 15): dumps of the same browser
//! session are merged into one session ([`merge`]), and connections of
//! different browsers that are the two ends of one call are linked
//! ([`link`]), with the clock offset between the machines. Everything
//! reads the finished sessions; nothing here parses.

pub mod identity;
pub mod link;
pub mod merge;

pub use identity::Identity;
pub use link::{EndRef, Explained, Link, StreamPair};

use crate::model::Session;

/// One dump as given: its name (the file's) and its session.
pub struct Input {
    pub name: String,
    pub session: Session,
}

/// One browser's view: one or more sources merged into one session.
pub struct End {
    /// Indexes into [`Combined::names`], in the order given.
    pub sources: Vec<usize>,
    pub session: Session,
    /// Per peer connection of `session`: the sources that hold it.
    pub pc_sources: Vec<Vec<usize>>,
    /// What merging found: samples that disagree, a capped window filled.
    pub notes: Vec<crate::error::Diagnostic>,
    /// Per peer connection of `session`: its identity, computed once for
    /// every merge and link test.
    pub identities: Vec<Identity>,
}

/// What several dumps say together.
pub struct Combined {
    /// The sources' names, in the order given.
    pub names: Vec<String>,
    /// Each source's own session facts (format, dialect, sizes).
    pub infos: Vec<Option<crate::model::SourceInfo>>,
    /// Each source's own import diagnostics, as read.
    pub diagnostics: Vec<Vec<crate::error::Diagnostic>>,
    pub ends: Vec<End>,
    pub links: Vec<Link>,
    /// Plain sentences for pairs of ends nothing links.
    pub unlinked: Vec<String>,
}

/// Merges what is the same session, links what is the other end.
pub fn combine(inputs: Vec<Input>) -> Combined {
    combine_with(inputs, true)
}

/// [`combine`], merging only when `merge` (else every dump is its own
/// browser: the embedded viewer admits each under the login's filter).
pub fn combine_with(inputs: Vec<Input>, merge: bool) -> Combined {
    let names: Vec<String> = inputs.iter().map(|i| i.name.clone()).collect();
    let infos = inputs.iter().map(|i| i.session.source.clone()).collect();
    let diagnostics = inputs
        .iter()
        .map(|i| i.session.diagnostics.clone())
        .collect();
    let mut ends: Vec<End> = Vec::new();
    for (index, input) in inputs.into_iter().enumerate() {
        let ids = identities(&input.session);
        let target = ends
            .iter_mut()
            .find(|e| merge && same_browser(&e.identities, &ids));
        match target {
            Some(end) => {
                let (placed, notes) = merge::merge_into(
                    &mut end.session,
                    &end.identities,
                    &input.session,
                    &ids,
                    &input.name,
                );
                end.notes.extend(notes);
                end.sources.push(index);
                end.pc_sources
                    .resize(end.session.peer_connections.len(), Vec::new());
                for pc in placed {
                    if let Some(sources) = end.pc_sources.get_mut(pc) {
                        sources.push(index);
                    }
                }
                // Joined connections know more (the other dump's ufrags,
                // SSRCs): their identities are read again, once.
                end.identities = identities(&end.session);
            }
            None => ends.push(End {
                notes: Vec::new(),
                sources: vec![index],
                pc_sources: vec![vec![index]; input.session.peer_connections.len()],
                identities: ids,
                session: input.session,
            }),
        }
    }
    let mut links = Vec::new();
    let mut unlinked = Vec::new();
    for (x, ex) in ends.iter().enumerate() {
        for ey in ends.iter().skip(x + 1) {
            let before = links.len();
            link_ends(ex, ey, &mut links);
            if links.len() == before {
                unlinked.push(format!(
                    "{} and {}: no shared SSRC, ICE username fragment or DTLS fingerprint; these look like different calls",
                    end_name(&names, ex),
                    end_name(&names, ey)
                ));
            }
        }
    }
    Combined {
        names,
        infos,
        diagnostics,
        ends,
        links,
        unlinked,
    }
}

fn end_name(names: &[String], end: &End) -> String {
    end.sources
        .iter()
        .filter_map(|&i| names.get(i).map(String::as_str))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// Whether two sessions (their connections' identities) are dumps of one
/// browser session: some connection of one is a connection of the other.
fn same_browser(a: &[Identity], b: &[Identity]) -> bool {
    b.iter().any(|y| a.iter().any(|x| !x.same_as(y).is_empty()))
}

fn identities(session: &Session) -> Vec<Identity> {
    session
        .peer_connections
        .iter()
        .map(|pc| Identity::of(pc, &session.strings))
        .collect()
}

/// The first source holding each connection of `end` (the one its id is
/// from).
fn first_sources(end: &End) -> impl Iterator<Item = usize> + '_ {
    let fallback = end.sources.first().copied().unwrap_or(0);
    end.pc_sources
        .iter()
        .map(move |s| s.first().copied().unwrap_or(fallback))
}

fn link_ends(ex: &End, ey: &End, links: &mut Vec<Link>) {
    for ((pa, ia), sa) in ex
        .session
        .peer_connections
        .iter()
        .zip(&ex.identities)
        .zip(first_sources(ex))
    {
        for ((pb, ib), sb) in ey
            .session
            .peer_connections
            .iter()
            .zip(&ey.identities)
            .zip(first_sources(ey))
        {
            let ra = EndRef {
                source: sa,
                peer_connection: pa.id.clone(),
            };
            let rb = EndRef {
                source: sb,
                peer_connection: pb.id.clone(),
            };
            if let Some(l) = link::link(
                (pa, &ex.session.strings, ia, ra),
                (pb, &ey.session.strings, ib, rb),
            ) {
                links.push(l);
            }
        }
    }
}
