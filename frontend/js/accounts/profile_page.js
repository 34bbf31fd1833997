// Shows the free-text gender field only when "Let me describe it" is chosen, and offers
// the browser's own time zone in one click.
const gender = document.getElementById('gender');
const description = document.getElementById('gender-description-field');
const syncDescription = () => { description.hidden = gender.value !== 'self_described'; };
gender.addEventListener('change', syncDescription);
syncDescription();

const zoneSelect = document.getElementById('timezone');
const useBrowser = document.getElementById('use-browser-timezone');
const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const known = [...zoneSelect.options].some((option) => option.value === browserZone);
if (browserZone && known && zoneSelect.value !== browserZone) {
  useBrowser.hidden = false;
  useBrowser.textContent = `Use ${browserZone.replaceAll('_', ' ')}`;
  useBrowser.addEventListener('click', () => { zoneSelect.value = browserZone; useBrowser.hidden = true; });
}
