// Choosing underlag: photos from the camera and files, gathered over several picks, shown as
// thumbnails with "Ta bort" before anything is sent. Without this script the two inputs post
// their files with the form as they are.
export class Picker {
  constructor(form, list) {
    this.files = [];
    this.list = list;
    this.inputs = Array.from(form.querySelectorAll("input[type=file]"));
    this.inputs.forEach((input) => {
      input.addEventListener("change", () => {
        this.add(Array.from(input.files));
        input.value = "";
      });
    });
    const zone = form.querySelector(".dropzone");
    if (zone) {
      zone.addEventListener("dragover", (event) => event.preventDefault());
      zone.addEventListener("drop", (event) => {
        event.preventDefault();
        this.add(Array.from(event.dataTransfer.files));
      });
    }
  }

  add(files) {
    files.forEach((file) => this.files.push({ file, url: file.type.startsWith("image/") ? URL.createObjectURL(file) : null }));
    this.render();
  }

  remove(index) {
    const [gone] = this.files.splice(index, 1);
    if (gone && gone.url) URL.revokeObjectURL(gone.url);
    this.render();
  }

  take() {
    const files = this.files.map((entry) => entry.file);
    this.files.forEach((entry) => entry.url && URL.revokeObjectURL(entry.url));
    this.files = [];
    this.render();
    return files;
  }

  render() {
    const removeText = this.list.dataset.textRemove;
    this.list.replaceChildren(
      ...this.files.map((entry, index) => {
        const row = document.createElement("li");
        row.className = "chosen-file";
        if (entry.url) {
          const image = document.createElement("img");
          image.src = entry.url;
          image.alt = "";
          image.className = "thumb";
          row.append(image);
        } else {
          const badge = document.createElement("span");
          badge.className = "thumb file-badge";
          badge.textContent = (entry.file.name.split(".").pop() || "").toUpperCase().slice(0, 4);
          row.append(badge);
        }
        const name = document.createElement("span");
        name.className = "queue-name";
        name.textContent = `${entry.file.name} (${Math.max(1, Math.round(entry.file.size / 1024))} kB)`;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "link danger";
        remove.textContent = removeText;
        remove.setAttribute("aria-label", `${removeText} ${entry.file.name}`);
        remove.addEventListener("click", () => this.remove(index));
        row.append(name, remove);
        return row;
      }),
    );
  }
}
