/* temp-folder.h: removing the folders tests and fuzz targets make. */
#pragma once

/* Removes path and everything below it; symbolic links are removed, not
 * followed. */
void temp_folder_remove (const char *path);
