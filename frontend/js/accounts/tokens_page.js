// The new token's secret: selected on focus, copied with one click.
const secret = document.getElementById('new-token-secret');
const copy = document.getElementById('copy-token');
secret.addEventListener('focus', () => secret.select());
copy.addEventListener('click', async () => {
  secret.select();
  try { await navigator.clipboard.writeText(secret.value); copy.textContent = 'Copied'; }
  catch { copy.textContent = 'Press Ctrl+C'; }
});
