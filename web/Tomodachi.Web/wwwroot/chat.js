// The chat's few browser-side behaviours, on the whole document so they hold for elements Blazor adds later.
(() => {
    // Enter sends, Shift+Enter is a new line; an Enter that ends an IME composition stays the IME's.
    document.addEventListener('keydown', event => {
        const box = event.target;
        if (event.key !== 'Enter' || event.shiftKey || event.isComposing || !(box instanceof HTMLTextAreaElement)
            || !box.matches('[data-enter-sends]')) {
            return;
        }

        event.preventDefault();
        const send = box.form?.querySelector('button[type=submit]');
        if (send && !send.disabled) {
            box.form.requestSubmit(send);
        }
    });

    // A code block's copy button copies the block's text. The clipboard API needs a secure context (localhost is
    // one); elsewhere the selection and execCommand still work.
    document.addEventListener('click', async event => {
        const button = event.target instanceof Element ? event.target.closest('button.code-copy') : null;
        const code = button?.closest('.code-block')?.querySelector('pre code');
        if (!code) {
            return;
        }

        const label = button.querySelector('span');
        label.textContent = await copy(code.textContent) ? 'Copied' : 'Copy failed';
        setTimeout(() => { label.textContent = 'Copy'; }, 2000);
    });

    async function copy(text) {
        try {
            await navigator.clipboard.writeText(text);
            return true;
        } catch {
            const area = document.createElement('textarea');
            area.value = text;
            area.setAttribute('readonly', '');
            area.style.position = 'fixed';
            area.style.opacity = '0';
            document.body.appendChild(area);
            area.select();
            const copied = document.execCommand('copy');
            area.remove();
            return copied;
        }
    }

    // The log follows a streaming reply, unless the reader has scrolled up to read something earlier.
    let following = true;
    let shownSession = null;
    document.addEventListener('scroll', event => {
        const log = event.target;
        if (log instanceof Element && log.id === 'chatLog') {
            following = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
        }
    }, true);
    new MutationObserver(() => {
        const log = document.getElementById('chatLog');
        if (!log) {
            return;
        }

        const session = log.closest('[data-session-id]')?.dataset.sessionId;
        if (session !== shownSession) {
            shownSession = session;
            following = true;
        }

        if (following) {
            log.scrollTop = log.scrollHeight;
        }
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
})();
