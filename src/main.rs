fn main() {
    funnelcast::install_panic_hook();
    leptos::mount::mount_to_body(funnelcast::App);
}
