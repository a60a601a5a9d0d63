// Progressive enhancement of the portal's pages; everything works without it.
// - The scheduling form's time zone select starts on the browser's own zone.
// - <time datetime> elements are shown in the reader's zone instead of UTC.

const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

for (const select of document.querySelectorAll('select[data-local-zone]')) {
  const alreadyChosen = select.value && select.value !== 'UTC';
  if (!alreadyChosen && zone && [...select.options].some((option) => option.value === zone)) {
    select.value = zone;
  }
}

const format = new Intl.DateTimeFormat(undefined, {
  weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short',
});
for (const element of document.querySelectorAll('time[datetime]')) {
  const date = new Date(element.getAttribute('datetime'));
  if (!Number.isNaN(date.getTime())) {
    element.title = element.textContent;
    element.textContent = format.format(date);
  }
}
