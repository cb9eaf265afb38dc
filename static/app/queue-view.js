// The list of queued files on the page: name, a thumbnail and its status in words the page
// gave (data-text-* on the list), so that the script has no text of its own.
const thumbnails = new Map();

function thumbnailOf(item) {
  if (!item.type.startsWith("image/") || item.type === "image/heic") return null;
  if (!thumbnails.has(item.id)) thumbnails.set(item.id, URL.createObjectURL(item.blob));
  return thumbnails.get(item.id);
}

export function renderQueue(list, items) {
  const section = list.closest("[data-queue]");
  const texts = list.dataset;
  const words = {
    waiting: texts.textWaiting,
    sending: texts.textSending,
    sent: texts.textSent,
    refused: texts.textRefused,
  };
  list.replaceChildren(
    ...items.map((item) => {
      const row = document.createElement("li");
      row.className = `queue-item status-${item.status}`;
      row.dataset.uploadId = item.id;
      const picture = thumbnailOf(item);
      if (picture) {
        const image = document.createElement("img");
        image.src = picture;
        image.alt = "";
        image.className = "thumb";
        row.append(image);
      } else {
        const badge = document.createElement("span");
        badge.className = "thumb file-badge";
        badge.textContent = (item.name.split(".").pop() || "").toUpperCase().slice(0, 4);
        row.append(badge);
      }
      const name = document.createElement("span");
      name.className = "queue-name";
      name.textContent = item.name;
      const status = document.createElement("span");
      status.className = "queue-status";
      status.dataset.status = item.status;
      status.textContent = words[item.status] || item.status;
      row.append(name, status);
      if (item.message) {
        const reason = document.createElement("span");
        reason.className = "queue-reason";
        reason.textContent = item.message;
        row.append(reason);
      }
      return row;
    }),
  );
  if (section) section.hidden = items.length === 0;
}
