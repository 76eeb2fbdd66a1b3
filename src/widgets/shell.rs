//! The chrome every widget shares, written once: its section, title and
//! status line, the edit and run errors, the playback bar, the legend, the
//! share bar with its import, and the scenario kept in the URL.
//!
//! A widget makes a [`Shell`] from the scenario it opens with, edits the
//! scenario through it, and hands its controls and drawings to
//! [`Shell::view`]; everything else here is the same for every family. The
//! view takes them as values rather than as a component's children: boxed
//! children cost every bundle about half a kilobyte.

use super::Mode;
use crate::scenario::{Scenario, View};
use crate::sim::kernel::time::{ms_to_ns, Nanos};
use crate::ui::controls::{self, PresetSelect};
use crate::ui::playback::{Playback, PlaybackBar};
use crate::ui::share::{self, ShareBar};
use leptos::prelude::*;

/// A family's scenario as its widget reads and writes it: a registered
/// [`Family`](crate::scenario::Family) held in a signal and converted to
/// and from [`Scenario`], with the checks the widget puts it through.
pub trait Family:
    crate::scenario::Family + Send + Sync + 'static + Into<Scenario> + TryFrom<Scenario, Error = Scenario>
{
    /// What every edit and import must pass (and an opening scenario, for
    /// [`Shell::new_or_default`]): the family's checks, and any bound of the
    /// widget's own, such as how much it can draw.
    fn check(&self) -> Result<(), String> {
        self.validate()
    }

    /// The scenario's view state.
    fn view_mut(&mut self) -> &mut View {
        self.seed_and_view().1
    }
}

/// Defines a widget module's `widget`, the entry point the registry calls,
/// showing `$scenario` in the component `$component`, and makes `$scenario`
/// a [`Family`] of the shell's, its edits checked by `$check` (by default
/// its `validate`).
macro_rules! widget_entry {
    ($scenario:ty, $component:ident $(, $check:path)?) => {
        impl $crate::widgets::shell::Family for $scenario {
            $(
                // One copy, called by edits, imports and the opening check.
                #[inline(never)]
                fn check(&self) -> Result<(), String> {
                    $check(self)
                }
            )?
        }

        /// This family's widget, as the registry shows it.
        pub fn widget(
            initial: $scenario,
            mode: $crate::widgets::Mode,
            title: Option<String>,
            notice: Option<String>,
        ) -> ::leptos::prelude::AnyView {
            use ::leptos::prelude::*;
            view! { <$component initial=initial mode=mode title=title notice=notice /> }.into_any()
        }
    };
}
pub(crate) use widget_entry;

/// A legend's keys as the HTML [`Shell::view`] shows, written at compile
/// time: each `(class, text)` a span of class `key <class>` holding the
/// text (the widgets' own static text, so nothing to escape).
macro_rules! legend {
    ($(($class:literal, $text:literal)),* $(,)?) => {
        concat!($("<span class=\"key ", $class, "\">", $text, "</span>"),*)
    };
}
pub(crate) use legend;

/// A widget's state that its chrome reads and writes: the scenario (held
/// without its view state, which the playhead holds instead), why the last
/// edit was refused, the status line, and the playback of a run over time.
pub struct Shell<S: 'static> {
    pub scenario: RwSignal<S>,
    pub error: RwSignal<Option<String>>,
    pub status: RwSignal<Option<String>>,
    /// Where the opening scenario's view put the playhead (`None`: the end).
    pub opened_at: Option<Nanos>,
    /// The playback of a run over time, with what the shell does with it
    /// (set together, so a bundle whose widget has none links none of it).
    playback: Option<(Playback, &'static PlaybackOps)>,
}

impl<S> Clone for Shell<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for Shell<S> {}

impl<S: Family> Shell<S> {
    /// A widget opening `initial` with `notice` on its status line.
    pub fn new(mut initial: S, notice: Option<String>) -> Shell<S> {
        let opened_at = std::mem::take(initial.view_mut()).time_ms.map(ms_to_ns);
        Shell {
            scenario: RwSignal::new(initial),
            error: RwSignal::new(None),
            status: RwSignal::new(notice),
            opened_at,
            playback: None,
        }
    }

    /// As [`Shell::new`], but a scenario the widget's check refuses (from a
    /// link or a host page) gives way to the family's default, and the
    /// notice says why.
    pub fn new_or_default(initial: S, notice: Option<String>) -> Shell<S> {
        let (initial, notice) = match initial.check() {
            Ok(()) => (initial, notice),
            Err(e) => (
                S::preset("default").unwrap_or(initial),
                Some(format!("This scenario could not be shown ({e}); showing the default.")),
            ),
        };
        Shell::new(initial, notice)
    }

    /// The shell of a widget played over time by `playback`: the playhead
    /// goes into links and the URL, and moves on a preset or an import.
    pub fn with_playback(self, playback: Playback) -> Shell<S> {
        Shell { playback: Some((playback, &PLAYBACK_OPS)), ..self }
    }

    /// Applies edit `f` if the result passes the check, otherwise says why;
    /// returns whether it applied.
    pub fn edit(self, f: &dyn Fn(&mut S)) -> bool {
        apply(self.scenario, self.error, f)
    }

    /// [`Shell::edit`] as a closure holding only the two signals an edit
    /// needs: a widget's controls each capture it, and a smaller capture is
    /// less code in every one of them.
    pub fn editor(self) -> impl Fn(&dyn Fn(&mut S)) -> bool + Copy + Send + Sync + 'static {
        let Shell { scenario, error, .. } = self;
        move |f| apply(scenario, error, f)
    }

    /// Replaces the scenario with preset `s`, the playhead at the end.
    pub fn load(self, s: S) {
        if let Some((p, ops)) = self.playback {
            (ops.seek)(p, Nanos::MAX);
        }
        self.error.set(None);
        self.scenario.set(s);
    }

    /// The scenario with its playhead, as links and the URL carry it.
    pub fn current(self) -> Scenario {
        let mut s = self.scenario.get();
        if let Some((p, ops)) = self.playback {
            s.view_mut().time_ms = (ops.time_ms)(p);
        }
        s.into()
    }

    /// Takes an imported scenario of this family that passes the check, with
    /// the playhead where its view puts it, or says why it cannot.
    pub fn import(self, imported: Scenario) -> Result<(), String> {
        let mut s = S::try_from(imported).map_err(|other| {
            format!("This is a {} scenario; the {k} widget imports {k} scenarios", other.widget(), k = S::KIND)
        })?;
        s.check()?;
        let at = std::mem::take(s.view_mut()).time_ms.map_or(Nanos::MAX, ms_to_ns);
        self.scenario.set(s);
        if let Some((p, ops)) = self.playback {
            (ops.seek)(p, at);
        }
        self.error.set(None);
        Ok(())
    }

    /// Removes lane `index` of the lanes `lanes` picks out, unless it is the last.
    pub fn remove_lane<L>(self, index: usize, lanes: fn(&mut S) -> &mut Vec<L>) {
        self.edit(&|s| {
            let lanes = lanes(s);
            if lanes.len() > 1 {
                lanes.remove(index);
            }
        });
    }

    /// The lanes' controls: `lane(index, shape)` for each lane's shape in
    /// `shapes` (rebuilt only when the shapes change, so a slider keeps its
    /// focus and drag while the run updates), then the button `label` that
    /// adds a lane by edit `add`, shown while `room` holds.
    pub fn lanes_controls<T, V>(
        self,
        shapes: Memo<Vec<T>>,
        lane: impl Fn(usize, T) -> V + Copy + Send + Sync + 'static,
        room: fn(&S) -> bool,
        add: fn(&mut S),
        label: &'static str,
    ) -> impl IntoView
    where
        T: Clone + PartialEq + Send + Sync + 'static,
        V: IntoView + 'static,
    {
        view! {
            <div class="lanes-controls">
                {move || shapes.get().into_iter().enumerate().map(|(i, shape)| lane(i, shape)).collect_view()}
                <Show when=move || self.scenario.with(room)>
                    <button type="button" class="add-lane" on:click=move |_| { self.edit(&add); }>{label}</button>
                </Show>
            </div>
        }
    }

    /// The "Preset" drop-down over `presets`, each loaded by `named`.
    pub fn preset_select(
        self,
        presets: &'static [(&'static str, &'static str)],
        named: fn(&str) -> Option<S>,
    ) -> impl IntoView {
        let on_pick = Callback::new(move |name: String| named(&name).map(|p| self.load(p)).is_some());
        view! { <PresetSelect presets=presets status=self.status on_pick=on_pick /> }
    }
}

/// An edit to one lane's settings, which the lane's controls send to the
/// widget and the widget applies to that lane.
pub struct LaneEdit<L>(pub std::sync::Arc<dyn Fn(&mut L) + Send + Sync>);

impl<L> LaneEdit<L> {
    /// The edit `f`.
    pub fn new(f: impl Fn(&mut L) + Send + Sync + 'static) -> LaneEdit<L> {
        LaneEdit(std::sync::Arc::new(f))
    }
}

impl<L> Clone for LaneEdit<L> {
    fn clone(&self) -> Self {
        LaneEdit(self.0.clone())
    }
}

/// Applies edit `f` to `scenario` if the result passes the widget's check,
/// otherwise puts why in `error`; returns whether it applied. Never inlined:
/// one copy of the check however many controls edit.
#[inline(never)]
fn apply<S: Family>(scenario: RwSignal<S>, error: RwSignal<Option<String>>, f: &dyn Fn(&mut S)) -> bool {
    controls::try_edit(scenario, error, S::check, f)
}

/// The button that removes lane `index`, "Remove <noun> <index + 1>",
/// shown while there are more lanes than one (`count`).
pub fn remove_lane_button(
    index: usize,
    noun: &'static str,
    count: impl Fn() -> usize + Send + Sync + 'static,
    remove: Callback<()>,
) -> impl IntoView {
    view! {
        <Show when=move || { count() > 1 }>
            <button type="button" class="remove-lane" on:click=move |_| remove.run(())>
                {format!("Remove {noun} {}", index + 1)}
            </button>
        </Show>
    }
}

impl<S: Family> Shell<S> {
    /// The widget's section around its `controls` and its `outputs` (its
    /// lanes and summary): the title (when given), the status line, the edit
    /// error, the playback bar, the run's error, the `legend` (made by
    /// `legend!`) and the share bar. Off an article (`mode` not
    /// inline), the scenario is kept in the URL.
    ///
    /// The outputs mount in the task after the rest: the controls are on
    /// the page (and painted) before the first run, which they do not
    /// read, so a reader can reach them while it computes. Memos are lazy,
    /// so nothing runs the scenario until the outputs read it.
    pub fn view(
        self,
        mode: Mode,
        title: Option<String>,
        run_error: Memo<Option<String>>,
        legend: &'static str,
        controls: impl IntoView + 'static,
        outputs: impl IntoView + 'static,
    ) -> impl IntoView {
        if mode != Mode::Inline {
            share::keep_in_url(self.playback.map(|(p, _)| p), move || self.scenario.track(), move || self.current());
        }
        let name = S::TITLE;
        let aria = title.clone().unwrap_or_else(|| name.to_string());
        let Shell { status, error, playback, .. } = self;
        let started = RwSignal::new(false);
        set_timeout(move || started.set(true), std::time::Duration::ZERO);
        let pending = StoredValue::new_local(Some(outputs));
        let outputs = move || started.get().then(|| pending.try_update_value(Option::take).flatten());
        view! {
            <section class=format!("widget {}", S::KIND) class:compact=mode == Mode::Embed aria-label=aria>
                {title.map(|t| view! { <h3 class="widget-title">{t}</h3> })}
                <p class="widget-status" role="status" aria-live="polite">{move || status.get()}</p>
                <div class="widget-body">
                    {controls}
                    {move || error.get().map(|e| view! { <p class="control-error" role="alert">{e}</p> })}
                    {playback.map(|(p, ops)| (ops.bar)(p))}
                    {move || {
                        started.get().then(|| run_error.get()).flatten().map(|e| view! { <p class="control-error" role="alert">{e}</p> })
                    }}
                    <p class="legend" aria-hidden="true" inner_html=legend></p>
                    {outputs}
                    <ShareBar
                        title=name
                        inline=mode == Mode::Inline
                        current=Callback::new(move |_| self.current())
                        on_import=Callback::new(move |s| self.import(s))
                        status=status
                    />
                </div>
            </section>
        }
    }
}

/// The shell's uses of a widget's playback.
pub struct PlaybackOps {
    bar: fn(Playback) -> AnyView,
    seek: fn(Playback, Nanos),
    time_ms: fn(Playback) -> Option<f64>,
}

/// The playback bar, seeking and the playhead for links.
static PLAYBACK_OPS: PlaybackOps = PlaybackOps {
    bar: |p| view! { <PlaybackBar playback=p duration=p.duration() /> }.into_any(),
    seek: Playback::seek,
    time_ms: Playback::time_ms,
};
